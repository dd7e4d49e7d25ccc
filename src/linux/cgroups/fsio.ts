// Small synchronous cgroupfs file helpers. cgroup files take one value per write(2), so values
// are written with a single writeSync on a file opened O_WRONLY (never O_CREAT: cgroupfs files
// cannot be created, and a missing file must report ENOENT).
import { closeSync, constants, openSync, readFileSync, readdirSync, writeSync } from "../fs.ts";

export function writeCgroupFile(path: string, value: string): void {
  const fd = openSync(path, constants.O_WRONLY);
  try {
    writeSync(fd, value);
  } finally {
    closeSync(fd);
  }
}

/** The file's text, trimmed; undefined if it does not exist. */
export function readCgroupFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (err) {
    if (errCode(err) === "ENOENT") return undefined;
    throw err;
  }
}

/** An integer file ("max" and missing files read as undefined). */
export function readCgroupNumber(path: string): number | undefined {
  const text = readCgroupFile(path);
  if (text === undefined || text === "max" || text === "") return undefined;
  const n = Number(text.split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, memory.events ...) as a map of numbers. */
export function readKeyValues(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readCgroupFile(path) ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Sub-directories of a cgroup directory (child cgroups), empty if it is gone. */
export function childCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${dir}/${e.name}`);
  } catch {
    return [];
  }
}

/** PIDs in cgroup.procs of dir and all its descendants. */
export function pidsInTree(dir: string): number[] {
  const pids: number[] = [];
  const text = readCgroupFile(`${dir}/cgroup.procs`);
  if (text) for (const l of text.split("\n")) if (l) pids.push(Number(l));
  for (const child of childCgroups(dir)) pids.push(...pidsInTree(child));
  return pids;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
