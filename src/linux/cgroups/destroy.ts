// Emptiness, killing what is left, and removal of a container's cgroup directories.
import { rmdirSync } from "../fs.ts";
import { CgroupIOError } from "./errors.ts";
import { childCgroups, errCode, pidsInTree, readCgroupFile, sleep, writeCgroupFile } from "./fsio.ts";
import { dirFor, type CgroupHandle } from "./paths.ts";
import { freeze, thaw } from "./freezer.ts";

/** Every PID in the container's cgroup (any hierarchy, including child cgroups). */
export function cgroupPids(handle: CgroupHandle): number[] {
  return [...new Set(handle.dirs.flatMap((d) => pidsInTree(d.dir)))].sort((a, b) => a - b);
}

export function isEmpty(handle: CgroupHandle): boolean {
  return cgroupPids(handle).length === 0;
}

/**
 * SIGKILLs every process in the cgroup and waits (up to timeoutMs) until it is empty. v2 has
 * cgroup.kill (Linux 5.14); otherwise the cgroup is frozen first so nothing can fork between
 * reading cgroup.procs and the kill, as runc's signalAllProcesses does.
 */
export async function killAll(handle: CgroupHandle, timeoutMs = 5000): Promise<void> {
  if (isEmpty(handle)) return; // the common case on delete: no freeze/thaw round trip
  const v2 = handle.kind === "v2" ? handle.dirs.find((d) => d.version === 2) : undefined;
  if (v2 && readCgroupFile(`${v2.dir}/cgroup.kill`) !== undefined) {
    writeCgroupFile(`${v2.dir}/cgroup.kill`, "1");
  } else {
    const canFreeze = dirFor(handle, "freezer") !== undefined;
    if (canFreeze) await freeze(handle).catch(() => {});
    for (const pid of cgroupPids(handle)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (canFreeze) await thaw(handle).catch(() => {});
  }
  const deadline = Date.now() + timeoutMs;
  while (!isEmpty(handle)) {
    if (Date.now() > deadline) throw new CgroupIOError("kill all processes in", handle.path, "timed out waiting for the cgroup to empty");
    await sleep(5);
  }
}

/** rmdir a cgroup and its child cgroups, deepest first; EBUSY (a dying task) is retried. */
async function removeTree(dir: string, deadline: number): Promise<void> {
  for (const child of childCgroups(dir)) await removeTree(child, deadline);
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = errCode(err);
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || Date.now() > deadline) throw new CgroupIOError("rmdir", dir, code);
      await sleep(delay);
    }
  }
}

/** rmdirs each of the container's directories; false when one is still there. */
function removeEmpty(handle: CgroupHandle): boolean {
  let all = true;
  for (const d of handle.dirs) {
    try {
      rmdirSync(d.dir);
    } catch (err) {
      if (errCode(err) !== "ENOENT") all = false;
    }
  }
  return all;
}

export interface DestroyOptions {
  /** SIGKILL processes still in the cgroup first (delete --force). */
  kill?: boolean;
  /** Total time allowed for killing and EBUSY retries; default 5 s. */
  timeoutMs?: number;
}

/**
 * Removes the container's directory in every hierarchy (the shared parents such as
 * /nsbox-runtime stay). Without `kill`, a cgroup that still has processes fails with EBUSY.
 */
export async function destroyCgroup(handle: CgroupHandle, opts: DestroyOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  // The common case, delete of a stopped container, leaves empty leaf cgroups: one rmdir each
  // removes them (~1 ms less than reading every cgroup.procs and directory first). A cgroup
  // with processes or child cgroups refuses (EBUSY); only then kill and remove the tree.
  if (removeEmpty(handle)) return;
  if (opts.kill) await killAll(handle, timeoutMs);
  const deadline = Date.now() + (opts.kill ? timeoutMs : 500);
  const errors: Error[] = [];
  for (const d of handle.dirs) {
    await removeTree(d.dir, deadline).catch((e: Error) => errors.push(e));
  }
  if (errors.length) throw errors[0];
}
