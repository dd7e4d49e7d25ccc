// OOM kill detection by polling a counter (Bun cannot use eventfd with v1's
// cgroup.event_control, and polling is what crun's and podman's monitors do too):
//   v2: memory.events "oom_kill N"
//   v1: memory.oom_control "oom_kill N" (Linux >= 4.13); older kernels lack it, and then a
//       rising memory.failcnt together with "under_oom 1" is the best signal there is.
import { readCgroupNumber, readKeyValues } from "./fsio.ts";
import { dirFor, type CgroupHandle } from "./paths.ts";

export interface OomCounters {
  /** Processes the OOM killer killed in this cgroup so far. */
  oomKills: number;
  /** v1: the cgroup is currently out of memory (tasks paused, with the OOM killer disabled). */
  underOom: boolean;
  /** Times the memory limit was hit (v1 memory.failcnt, v2 memory.events "max"). */
  limitHits: number;
}

export function readOomCounters(handle: CgroupHandle): OomCounters | undefined {
  const d = dirFor(handle, "memory");
  if (!d) return undefined;
  if (d.version === 2) {
    const ev = readKeyValues(`${d.dir}/memory.events`);
    return { oomKills: ev.oom_kill ?? 0, underOom: false, limitHits: ev.max ?? 0 };
  }
  const oc = readKeyValues(`${d.dir}/memory.oom_control`);
  return { oomKills: oc.oom_kill ?? 0, underOom: oc.under_oom === 1, limitHits: readCgroupNumber(`${d.dir}/memory.failcnt`) ?? 0 };
}

/**
 * Calls `onOom` once per poll in which the OOM kill count rose (or, with no counter, the cgroup
 * went under OOM). Returns a function that stops watching.
 */
export function watchOom(handle: CgroupHandle, onOom: (c: OomCounters) => void, intervalMs = 200): () => void {
  let last = readOomCounters(handle);
  const timer = setInterval(() => {
    let now: OomCounters | undefined;
    try {
      now = readOomCounters(handle);
    } catch {
      return; // the cgroup is being removed
    }
    if (!now || !last) return;
    if (now.oomKills > last.oomKills || (now.underOom && !last.underOom)) onOom(now);
    last = now;
  }, intervalMs);
  return () => clearInterval(timer);
}
