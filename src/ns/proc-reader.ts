// Reads the namespace view of every process from /proc: the only part of `nsbox ns` that touches
// the kernel. Processes that vanish or deny access while we read are skipped, as lsns does.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { NS_TYPES, type NsType, type ProcessInfo, type Snapshot, type ContainerInfo } from "./types.ts";

/** Parses a /proc/PID/ns link target such as "net:[4026531833]". */
export function parseNsLink(link: string): { type: string; inode: number } | undefined {
  const m = /^([a-z_]+):\[(\d+)\]$/.exec(link);
  return m ? { type: m[1]!, inode: Number(m[2]) } : undefined;
}

/** The namespaces of one process: type -> inode. Throws (ENOENT/ESRCH) when the process is gone. */
export function readProcessNamespaces(pid: number | "self", procRoot = "/proc"): Partial<Record<NsType, number>> {
  const ns: Partial<Record<NsType, number>> = {};
  let denied = 0;
  let lastErr: unknown;
  for (const type of NS_TYPES) {
    try {
      const parsed = parseNsLink(readlinkSync(`${procRoot}/${pid}/ns/${type}`));
      if (parsed) ns[type] = parsed.inode;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && type === "time") continue; // kernel without time namespaces
      denied++;
      lastErr = err;
    }
  }
  if (denied === NS_TYPES.length) throw lastErr;
  return ns;
}

/** uid -> user name from /etc/passwd (lsns prints names; we avoid NSS for start-up time). */
export function readUserNames(passwdPath = "/etc/passwd"): Map<number, string> {
  const names = new Map<number, string>();
  let text = "";
  try {
    text = readFileSync(passwdPath, "utf8");
  } catch {
    return names;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && !names.has(Number(f[2]))) names.set(Number(f[2]), f[0]!);
  }
  return names;
}

/** ppid and comm from /proc/PID/stat; comm may contain spaces and parentheses. */
export function parseStat(stat: string): { comm: string; ppid: number; start: number } {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  // Fields after "(comm)" start at field 3 (state); ppid is field 4, starttime field 22.
  const rest = stat.slice(close + 2).split(" ");
  return { comm: stat.slice(open + 1, close), ppid: Number(rest[1]), start: Number(rest[19]) };
}

/** One process, or undefined when it is gone or unreadable. */
export function readProcess(pid: number, users: Map<number, string>, procRoot = "/proc"): ProcessInfo | undefined {
  const dir = `${procRoot}/${pid}`;
  try {
    const ns = readProcessNamespaces(pid, procRoot);
    const { comm, ppid, start } = parseStat(readFileSync(`${dir}/stat`, "utf8"));
    // The owner of /proc/PID is the process's effective uid, which is what lsns reports.
    const uid = statSync(dir).uid;
    const cmdline = readFileSync(`${dir}/cmdline`, "utf8").replace(/\0+$/, "").split("\0").join(" ");
    return { pid, ppid, uid, user: users.get(uid) ?? String(uid), command: cmdline || comm, start, ns };
  } catch {
    return undefined;
  }
}

/** Every process in /proc (thread group leaders, as lsns counts them), sorted by PID. */
export function readProcesses(procRoot = "/proc"): ProcessInfo[] {
  const users = readUserNames();
  const out: ProcessInfo[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name), users, procRoot);
    if (p) out.push(p);
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** The PID that stands for "the host": 1 when readable, else kthreadd, else the lowest readable. */
export function pickHostPid(processes: ProcessInfo[]): number {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  if (byPid.has(1)) return 1;
  const kthreadd = byPid.get(2);
  if (kthreadd && kthreadd.ppid === 0) return 2;
  return processes[0]?.pid ?? process.pid;
}

/** A whole snapshot: processes from /proc plus containers from the given sources. */
export function readSnapshot(containers: ContainerInfo[], procRoot = "/proc"): Snapshot {
  const processes = readProcesses(procRoot);
  return { processes, containers, hostPid: pickHostPid(processes), hostname: hostname() };
}
