// The container's cgroup as the runtime made it from linux.cgroupsPath = /nsbox/<id>.
import { cgroupHandle, detectLayout, dirFor, resolveCgroupPath, type CgroupHandle } from "../linux/cgroups/index.ts";

export function containerCgroup(id: string): CgroupHandle | undefined {
  try {
    const layout = detectLayout(); // read once per process
    if (layout.kind === "none") return undefined;
    return cgroupHandle(layout, resolveCgroupPath(`/nsbox/${id}`, id));
  } catch {
    return undefined;
  }
}

/** The file whose "oom_kill N" line counts the container's OOM kills (v2 memory.events, v1 memory.oom_control). */
export function oomFile(h: CgroupHandle | undefined): string | undefined {
  const d = h && dirFor(h, "memory");
  if (!d) return undefined;
  return d.version === 2 ? `${d.dir}/memory.events` : `${d.dir}/memory.oom_control`;
}
