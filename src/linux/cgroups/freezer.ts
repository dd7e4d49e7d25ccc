// pause/resume: v1 freezer.state (FROZEN/THAWED, FREEZING while in progress) or v2
// cgroup.freeze (1/0, with "frozen 1" in cgroup.events once done). Freezing is asynchronous:
// a task in an uninterruptible sleep freezes only when it wakes, so we poll until it is done.
import { CgroupConfigError, CgroupIOError } from "./errors.ts";
import { errCode, readCgroupFile, readKeyValues, sleep, writeCgroupFile } from "./fsio.ts";
import { dirFor, type CgroupDir, type CgroupHandle } from "./paths.ts";

export type FreezerState = "FROZEN" | "FREEZING" | "THAWED";

function freezerDir(handle: CgroupHandle): CgroupDir {
  const d = dirFor(handle, "freezer");
  if (!d) throw new CgroupConfigError("pause", "no freezer: the freezer controller is not mounted (cgroup v1) and cgroup v2 is not the main hierarchy");
  return d;
}

function write(path: string, value: string): void {
  try {
    writeCgroupFile(path, value);
  } catch (err) {
    throw new CgroupIOError(`write ${JSON.stringify(value)} to`, path, errCode(err));
  }
}

export function freezerState(handle: CgroupHandle): FreezerState {
  const d = freezerDir(handle);
  if (d.version === 1) {
    const s = readCgroupFile(`${d.dir}/freezer.state`);
    if (s === undefined) throw new CgroupIOError("read", `${d.dir}/freezer.state`, "ENOENT");
    return s as FreezerState;
  }
  const want = readCgroupFile(`${d.dir}/cgroup.freeze`);
  if (want === undefined) throw new CgroupIOError("read", `${d.dir}/cgroup.freeze`, "ENOENT");
  const frozen = readKeyValues(`${d.dir}/cgroup.events`).frozen === 1;
  if (want === "1") return frozen ? "FROZEN" : "FREEZING";
  return "THAWED";
}

export interface FreezeOptions {
  /** Give up (and thaw again) after this long; default 5 s. */
  timeoutMs?: number;
}

/** Freezes every process of the container; resolves once the kernel reports FROZEN. */
export async function freeze(handle: CgroupHandle, opts: FreezeOptions = {}): Promise<void> {
  const d = freezerDir(handle);
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  const file = d.version === 1 ? `${d.dir}/freezer.state` : `${d.dir}/cgroup.freeze`;
  const value = d.version === 1 ? "FROZEN" : "1";
  write(file, value);
  for (let i = 0; ; i++) {
    if (freezerState(handle) === "FROZEN") return;
    if (Date.now() > deadline) {
      await thaw(handle).catch(() => {});
      throw new CgroupIOError("freeze", d.dir, "timed out waiting for FROZEN", "pause");
    }
    // v1 can get stuck in FREEZING when a task forks while freezing; writing FROZEN again
    // retries it (runc does the same).
    if (d.version === 1 && i % 10 === 9) write(file, value);
    await sleep(i < 10 ? 1 : 10);
  }
}

/** Thaws the container; resolves once the kernel reports THAWED. */
export async function thaw(handle: CgroupHandle, opts: FreezeOptions = {}): Promise<void> {
  const d = freezerDir(handle);
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  write(d.version === 1 ? `${d.dir}/freezer.state` : `${d.dir}/cgroup.freeze`, d.version === 1 ? "THAWED" : "0");
  for (let i = 0; freezerState(handle) !== "THAWED"; i++) {
    if (Date.now() > deadline) throw new CgroupIOError("thaw", d.dir, "timed out waiting for THAWED", "resume");
    await sleep(i < 10 ? 1 : 10);
  }
}
