// Sharing analysis over a Snapshot (pure): which processes are in each namespace, which container
// each process belongs to, who owns a namespace, and what a set of targets has in common.
import { containerLabel, NS_TYPES, type ContainerInfo, type NsType, type ProcessInfo, type Snapshot } from "./types.ts";

/** A namespace as `nsbox ns ls` shows it (lsns's columns plus the containers in it). */
export interface NamespaceRow {
  type: NsType;
  inode: number;
  nprocs: number;
  /** Lowest PID in the namespace, its parent, owner and command (as lsns). */
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  command: string;
  pids: number[];
  /** Labels of containers with a process in it, earliest started first. */
  containers: string[];
  /** The container that created it, when it is not one of the host's namespaces. */
  owner?: string;
  /** True for the namespaces of the host process (PID 1 or kthreadd). */
  host: boolean;
}

const key = (type: NsType, inode: number) => `${type}:${inode}`;

/** Process PID -> the container it belongs to: its init, a descendant of the init, or (for
 * processes that entered later, like `nsenter` or `exec`) a member of the init's own PID namespace. */
export function attributeProcesses(s: Snapshot): Map<number, ContainerInfo> {
  const byPid = new Map(s.processes.map((p) => [p.pid, p]));
  const initOf = new Map<number, ContainerInfo>();
  for (const c of s.containers) if (byPid.has(c.pid)) initOf.set(c.pid, c);
  const hostPidNs = byPid.get(s.hostPid)?.ns.pid;
  const byPidNs = new Map<number, ContainerInfo>();
  for (const c of initOf.values()) {
    const pidns = byPid.get(c.pid)!.ns.pid;
    if (pidns !== undefined && pidns !== hostPidNs && !byPidNs.has(pidns)) byPidNs.set(pidns, c);
  }
  const out = new Map<number, ContainerInfo>();
  for (const p of s.processes) {
    let c: ContainerInfo | undefined;
    // Walk up the parent chain; the bound guards against a ppid cycle from a torn read.
    for (let q: ProcessInfo | undefined = p, depth = 0; q && depth < 4096 && !c; depth++) {
      c = initOf.get(q.pid);
      q = q.ppid > 0 ? byPid.get(q.ppid) : undefined;
    }
    c ??= p.ns.pid !== undefined ? byPidNs.get(p.ns.pid) : undefined;
    if (c) out.set(p.pid, c);
  }
  return out;
}

/** Every namespace held by a process, sorted by inode like lsns. */
export function listNamespaces(s: Snapshot): NamespaceRow[] {
  const members = new Map<string, ProcessInfo[]>();
  for (const p of s.processes) {
    for (const type of NS_TYPES) {
      const inode = p.ns[type];
      if (inode === undefined) continue;
      const k = key(type, inode);
      const list = members.get(k);
      if (list) list.push(p);
      else members.set(k, [p]);
    }
  }
  const byPid = new Map(s.processes.map((p) => [p.pid, p]));
  const host = byPid.get(s.hostPid);
  const owners = attributeProcesses(s);
  const rows: NamespaceRow[] = [];
  for (const [k, procs] of members) {
    const [type, inodeText] = k.split(":") as [NsType, string];
    const inode = Number(inodeText);
    const lowest = procs.reduce((a, b) => (b.pid < a.pid ? b : a));
    const containers = containersAmong(procs, owners, byPid);
    const isHost = host?.ns[type] === inode;
    rows.push({
      type, inode, nprocs: procs.length, pid: lowest.pid, ppid: lowest.ppid, uid: lowest.uid,
      user: lowest.user, command: lowest.command, pids: procs.map((p) => p.pid).sort((a, b) => a - b),
      containers: containers.map(containerLabel), owner: isHost || !containers[0] ? undefined : containerLabel(containers[0]),
      host: isHost,
    });
  }
  return rows.sort((a, b) => a.inode - b.inode || NS_TYPES.indexOf(a.type) - NS_TYPES.indexOf(b.type));
}

/** Distinct containers of these processes, the one whose init started first leading. */
function containersAmong(procs: ProcessInfo[], owners: Map<number, ContainerInfo>, byPid: Map<number, ProcessInfo>): ContainerInfo[] {
  const set = new Set<ContainerInfo>();
  for (const p of procs) {
    const c = owners.get(p.pid);
    if (c) set.add(c);
  }
  const start = (c: ContainerInfo) => byPid.get(c.pid)?.start ?? Infinity;
  return [...set].sort((a, b) => start(a) - start(b) || a.pid - b.pid);
}

/** What a user named on the command line: one process, or a container (its init and members). */
export interface Target {
  /** As typed, or the container's label. */
  label: string;
  pid: number;
  container?: ContainerInfo;
}

export interface TargetNamespace {
  type: NsType;
  inode: number;
  host: boolean;
  nprocs: number;
  /** Processes in it outside this target and outside any container. */
  otherPids: number[];
  /** Other containers in it. */
  otherContainers: string[];
}

export interface TargetView {
  target: Target;
  command: string;
  namespaces: TargetNamespace[];
}

/** The /proc/PID/ns view of a target, with whom each namespace is shared. */
export function describeTarget(s: Snapshot, t: Target, rows = listNamespaces(s)): TargetView {
  const proc = s.processes.find((p) => p.pid === t.pid);
  if (!proc) throw new Error(`process ${t.pid} is not in the snapshot`);
  const owners = attributeProcesses(s);
  const isOwn = (pid: number) => (t.container ? owners.get(pid) === t.container : pid === t.pid);
  const ownLabel = t.container ? containerLabel(t.container) : undefined;
  const byKey = new Map(rows.map((r) => [key(r.type, r.inode), r]));
  const namespaces: TargetNamespace[] = [];
  for (const type of NS_TYPES) {
    const inode = proc.ns[type];
    if (inode === undefined) continue;
    const row = byKey.get(key(type, inode))!;
    namespaces.push({
      type, inode, host: row.host, nprocs: row.nprocs,
      // Processes of other containers are named by their container instead.
      otherPids: row.pids.filter((pid) => !isOwn(pid) && !owners.has(pid)),
      otherContainers: row.containers.filter((c) => c !== ownLabel),
    });
  }
  return { target: t, command: proc.command, namespaces };
}

export interface Comparison {
  type: NsType;
  /** "shared": all targets in one namespace; "distinct": each in its own; else "partly shared". */
  verdict: "shared" | "distinct" | "partly shared";
  groups: { inode: number; targets: string[] }[];
}

/** Per type, which of the targets are in the same namespace. */
export function compareTargets(views: TargetView[]): Comparison[] {
  const out: Comparison[] = [];
  for (const type of NS_TYPES) {
    const groups = new Map<number, string[]>();
    for (const v of views) {
      const ns = v.namespaces.find((n) => n.type === type);
      if (!ns) continue;
      groups.set(ns.inode, [...(groups.get(ns.inode) ?? []), v.target.label]);
    }
    if (groups.size === 0) continue;
    const list = [...groups].map(([inode, targets]) => ({ inode, targets }));
    const verdict = list.length === 1 ? "shared" : list.every((g) => g.targets.length === 1) ? "distinct" : "partly shared";
    out.push({ type, verdict, groups: list });
  }
  return out;
}
