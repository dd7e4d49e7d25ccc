// Reading processes from /proc: liveness that survives PID reuse (start time), zombies; and which
// boot this is.
import { readFileSync } from "./fs.ts";

export interface ProcStat {
  state: string; // R S D Z T t X ...
  ppid: number;
  startTime: number; // clock ticks since boot (field 22)
}

/** Parses /proc/PID/stat; undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, ppid: Number(fields[1]), startTime: Number(fields[19]) };
}

/** True when PID runs (not a zombie) and is the same process that had `startTime`. */
export function isAlive(pid: number, startTime?: number): boolean {
  const st = readStat(pid);
  if (!st || st.state === "Z" || st.state === "X") return false;
  return startTime === undefined || st.startTime === startTime;
}

/** Polls until the process is gone (or a zombie) or `timeoutMs` passes; true when gone. */
export async function waitGone(pid: number, startTime: number | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  while (isAlive(pid, startTime)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  return true;
}

let boot: string | undefined;

/**
 * This boot's id (/proc/sys/kernel/random/boot_id), to tell state of an earlier boot; "unknown"
 * without /proc. Read once per process: the run root's check and the cgroup layout cache both
 * ask during one `nsbox run`, and a process does not outlive its boot.
 */
export function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      boot = "unknown";
    }
  }
  return boot;
}
