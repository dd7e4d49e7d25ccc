// The data model of the namespace toolkit: a snapshot of processes (and the containers that own
// some of them) with the inode of each namespace they are in. Everything after reading /proc is
// pure functions over a Snapshot, so it can be unit-tested with synthetic data.

/** Namespace types as named under /proc/PID/ns, in the order `nsbox ns` prints them. */
export const NS_TYPES = ["user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"] as const;
export type NsType = (typeof NS_TYPES)[number];

/** What each namespace type isolates, in a few words (for help text and the picture). */
export const NS_MEANING: Record<NsType, string> = {
  user: "UIDs, capabilities",
  mnt: "mount table",
  pid: "process IDs",
  net: "network stack",
  ipc: "SysV IPC, mqueues",
  uts: "hostname",
  cgroup: "cgroup root",
  time: "boot/monotonic clocks",
};

export function isNsType(s: string): s is NsType {
  return (NS_TYPES as readonly string[]).includes(s);
}

/** One process as seen in /proc. `ns` lacks a type when the kernel has none or it was unreadable. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  /** The command line joined with spaces, or the kernel's name for it (kernel threads). */
  command: string;
  /** Start time in clock ticks after boot (/proc/PID/stat field 22): orders who came first. */
  start: number;
  ns: Partial<Record<NsType, number>>;
}

/** A container known to some source (the OCI runtime's state dirs, later the engine). */
export interface ContainerInfo {
  id: string;
  /** A friendlier name when the source has one (the engine's `--name`). */
  name?: string;
  /** Host PID of the container's init process. */
  pid: number;
  /** Which source reported it: "nsbox-runtime", "engine", ... */
  source: string;
}

export interface Snapshot {
  processes: ProcessInfo[];
  containers: ContainerInfo[];
  /** PID whose namespaces count as the host's (1 when readable, else kthreadd, else ourselves). */
  hostPid: number;
  hostname?: string;
}

/** A container's display name: its name when it has one, else a short ID like docker's. */
export function containerLabel(c: ContainerInfo): string {
  return c.name ?? (c.id.length > 12 && /^[0-9a-f]+$/.test(c.id) ? c.id.slice(0, 12) : c.id);
}

