// The launcher plan: a typed description of one process launch (LaunchPlan) and its encoding into
// the binary format that native/launcher reads (see native/common/plan_ids.h). Building a
// LaunchPlan is policy (src/oci/compile.ts, src/ns/...); encoding is mechanical and lives here.
import { NA, PA } from "./plan-ids.ts";

export interface NamespaceRef {
  type: number; // CLONE_NEW*
  path: string;
}

export interface MountStep {
  source?: string;
  destination: string; // inside the rootfs (or absolute on the host when there is no rootfs)
  type?: string;
  flags: number; // MS_* except propagation
  propagation?: number; // MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (| MS_REC), applied after mounting
  data?: string;
  fileDestination?: boolean; // create an empty file (not a directory) when the destination is missing
}

export interface DeviceNode {
  path: string;
  type: "c" | "b" | "p";
  major: number;
  minor: number;
  mode: number; // permission bits
  uid: number;
  gid: number;
  bind?: boolean; // bind-mount the host's node instead of mknod (inside a user namespace)
}

export interface CapabilitySets {
  bounding: bigint;
  effective: bigint;
  inheritable: bigint;
  permitted: bigint;
  ambient: bigint;
}

/** A hook the launcher runs itself (startContainer): path, argv, env, timeout, stdin. */
export interface LauncherHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number; // seconds
  stdin: string;
}

/** Cgroup directories the container process joins: one per v1 hierarchy, and the v2 one. */
/** struct sched_attr's fields, as the launcher passes them to sched_setattr(2). */
export interface SchedAttr {
  policy: number;
  flags: bigint;
  nice: number;
  priority: number;
  runtime: bigint;
  deadline: bigint;
  period: bigint;
}

export interface CgroupJoin {
  v1: string[];
  v2?: string;
}

export interface LaunchPlan {
  args: string[];
  env: string[];
  // how to run
  foreground?: boolean;
  execFifo?: string;
  consoleSocket?: string;
  terminal?: boolean;
  noFork?: boolean;
  setsid?: boolean;
  pdeathsig?: number;
  // namespaces
  newNamespaces?: number;
  join?: NamespaceRef[];
  persist?: NamespaceRef[];
  uidMap?: string;
  gidMap?: string;
  setgroupsDeny?: boolean;
  /** The container's cgroup directories; how each is joined: native/launcher/cgroup_join.h. */
  cgroupJoin?: CgroupJoin;
  /** The cgroups are made once the plan is sent, while the launcher makes the namespaces: it
   * waits for the caller's go (launch()'s whilePlanned) before joining them. */
  cgroupWait?: boolean;
  timeOffsets?: string;
  enterRoot?: string;
  enterCwd?: string;
  // root filesystem
  rootfs?: string;
  rootPropagation?: number;
  rootReadonly?: boolean;
  noPivot?: boolean;
  mounts?: MountStep[];
  devices?: DeviceNode[];
  symlinks?: { target: string; path: string }[];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  // the process
  hostname?: string;
  domainname?: string;
  sysctls?: [string, string][];
  rlimits?: { resource: number; soft: bigint; hard: bigint }[];
  oomScoreAdj?: number;
  uid?: number;
  gid?: number;
  groups?: number[];
  umask?: number;
  cwd?: string;
  noNewPrivileges?: boolean;
  capabilities?: CapabilitySets;
  seccomp?: { program: Buffer; flags: number };
  personality?: number;
  apparmorProfile?: string;
  selinuxLabel?: string;
  keyring?: string;
  ioprio?: number;
  /** sched_setattr(2) of the process (src/oci/scheduling.ts). */
  scheduler?: SchedAttr;
  // hooks
  hookSync?: boolean; // pause before pivot_root for the parent's create-time hooks
  startHooks?: LauncherHook[];
  /** With a new user namespace: become uid/gid 0 in it once mapped (containers; not unshare). */
  usernsRoot?: boolean;
  /** With a new network namespace: bring its "lo" up (containers, as runc; not unshare -n). */
  loopbackUp?: boolean;
  /** argv[0] the program sees when it is not args[0], the executable (login shells: "-sh"). */
  argv0?: string;
  /** runc's --preserve-fds: how many fds follow the plan socket (set by launch() from
   * LaunchOptions.passFds); they become the program's fds 3, 4, ... */
  preserveFds?: number;
  /**
   * Where the seccomp listener fd goes when seccomp.flags has SECCOMP_FILTER_FLAG_NEW_LISTENER
   * (OCI linux.seccomp.listenerPath): a unix stream socket, connected before any namespace change.
   * `state` is the OCI "container process state" JSON cut where the host PID goes (the launcher
   * writes the PID between consecutive pieces): see seccompListenerState().
   */
  seccompListener?: { path: string; state: string[] };
}

/**
 * Splits a container process state into the pieces the launcher joins with the real PID, e.g.
 * seccompListenerState((pid) => ({ ociVersion, fds: ["seccompFd"], pid, metadata, state: { ...state, pid } })).
 * The PID is stood in for by a number found nowhere else in the JSON, so the cut is exact.
 */
export function seccompListenerState(build: (pid: number) => unknown): string[] {
  const without = JSON.stringify(build(0));
  let mark = 2147480000;
  while (without.includes(String(mark))) mark++;
  return JSON.stringify(build(mark)).split(String(mark));
}

/**
 * Writes length-prefixed attributes: u16 type, u16 0, u32 length, payload, pad to 4. Into one
 * growing buffer (a nested attribute's length is filled in when it ends): a plan has a few
 * hundred attributes, and a Buffer per header and value cost ~0.5 ms of every create.
 */
export class PlanWriter {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 4; // finish() puts the total length first

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
  /** An attribute's header; end() fills in its length once the payload is written. */
  private begin(type: number): number {
    this.reserve(8);
    const at = this.pos;
    this.buf.writeUInt16LE(type, at);
    this.buf.writeUInt16LE(0, at + 2);
    this.pos += 8;
    return at;
  }
  private end(at: number): this {
    const length = this.pos - at - 8;
    this.buf.writeUInt32LE(length, at + 4);
    const pad = (4 - (length % 4)) % 4;
    this.reserve(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
    return this;
  }
  flag(type: number, on: boolean | undefined): this {
    return on ? this.end(this.begin(type)) : this;
  }
  str(type: number, value: string | undefined): this {
    if (value === undefined) return this;
    if (value.includes("\0")) throw new Error(`plan attribute ${type}: string contains a NUL byte`);
    const at = this.begin(type);
    this.reserve(Buffer.byteLength(value) + 1);
    this.pos += this.buf.write(value, this.pos, "utf8");
    this.buf[this.pos++] = 0;
    return this.end(at);
  }
  u32(type: number, value: number | undefined): this {
    if (value === undefined) return this;
    const at = this.begin(type);
    this.reserve(4);
    if (value < 0) this.buf.writeInt32LE(value, this.pos);
    else this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
    return this.end(at);
  }
  u64(type: number, value: bigint | number | undefined): this {
    if (value === undefined) return this;
    const at = this.begin(type);
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
    return this.end(at);
  }
  bytes(type: number, value: Buffer | undefined): this {
    if (value === undefined) return this;
    const at = this.begin(type);
    this.reserve(value.length);
    this.pos += value.copy(this.buf, this.pos);
    return this.end(at);
  }
  nested(type: number, build: (w: PlanWriter) => void): this {
    const at = this.begin(type);
    build(this);
    return this.end(at);
  }
  /** The attributes written so far, without the plan's length (a copy). */
  body(): Buffer {
    return Buffer.from(this.buf.subarray(4, this.pos));
  }
  /** The whole plan as the launcher reads it: a u32 length, then the attributes. */
  finish(): Buffer {
    this.buf.writeUInt32LE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}

const deviceType = { c: 0o020000, b: 0o060000, p: 0o010000 } as const;

export function encodePlan(p: LaunchPlan): Buffer {
  const w = new PlanWriter();
  w.flag(PA.FOREGROUND, p.foreground).str(PA.EXEC_FIFO, p.execFifo).str(PA.CONSOLE_SOCKET, p.consoleSocket);
  w.flag(PA.TERMINAL, p.terminal).flag(PA.NO_FORK, p.noFork).flag(PA.SETSID, p.setsid).u32(PA.PDEATHSIG, p.pdeathsig);
  if (p.newNamespaces) w.u32(PA.NS_NEW, p.newNamespaces);
  for (const ns of p.join ?? []) w.nested(PA.NS_JOIN, (n) => n.u32(NA.NS_TYPE, ns.type).str(NA.NS_PATH, ns.path));
  for (const ns of p.persist ?? []) w.nested(PA.NS_PERSIST, (n) => n.u32(NA.NS_TYPE, ns.type).str(NA.NS_PATH, ns.path));
  w.str(PA.UID_MAP, p.uidMap).str(PA.GID_MAP, p.gidMap).flag(PA.SETGROUPS_DENY, p.setgroupsDeny);
  for (const dir of p.cgroupJoin?.v1 ?? []) w.str(PA.CGROUP_JOIN, dir);
  w.str(PA.CGROUP_JOIN_V2, p.cgroupJoin?.v2);
  w.str(PA.TIME_OFFSETS, p.timeOffsets).str(PA.ENTER_ROOT, p.enterRoot).str(PA.ENTER_CWD, p.enterCwd);
  w.str(PA.ROOTFS, p.rootfs).u32(PA.ROOT_PROPAGATION, p.rootPropagation);
  w.flag(PA.ROOT_READONLY, p.rootReadonly).flag(PA.NO_PIVOT, p.noPivot);
  for (const m of p.mounts ?? []) {
    w.nested(PA.MOUNT, (n) =>
      n.str(NA.MNT_SRC, m.source).str(NA.MNT_DST, m.destination).str(NA.MNT_FSTYPE, m.type)
        .u64(NA.MNT_FLAGS, m.flags).str(NA.MNT_DATA, m.data || undefined)
        .u32(NA.MNT_PROPAGATION, m.propagation || undefined).flag(NA.MNT_MKDIR_FILE, m.fileDestination),
    );
  }
  for (const d of p.devices ?? []) {
    w.nested(PA.DEVICE, (n) =>
      n.str(NA.DEV_PATH, d.path).u32(NA.DEV_TYPE, deviceType[d.type]).u32(NA.DEV_MAJOR, d.major)
        .u32(NA.DEV_MINOR, d.minor).u32(NA.DEV_MODE, d.mode).u32(NA.DEV_UID, d.uid).u32(NA.DEV_GID, d.gid)
        .flag(NA.DEV_BIND, d.bind),
    );
  }
  for (const s of p.symlinks ?? []) w.nested(PA.SYMLINK, (n) => n.str(NA.LINK_TARGET, s.target).str(NA.LINK_PATH, s.path));
  for (const m of p.maskedPaths ?? []) w.str(PA.MASK_PATH, m);
  for (const r of p.readonlyPaths ?? []) w.str(PA.READONLY_PATH, r);
  w.str(PA.HOSTNAME, p.hostname).str(PA.DOMAINNAME, p.domainname);
  for (const [k, v] of p.sysctls ?? []) w.nested(PA.SYSCTL, (n) => n.str(NA.KEY, k).str(NA.VALUE, v));
  for (const r of p.rlimits ?? []) {
    w.nested(PA.RLIMIT, (n) => n.u32(NA.RLIM_RESOURCE, r.resource).u64(NA.RLIM_SOFT, r.soft).u64(NA.RLIM_HARD, r.hard));
  }
  w.u32(PA.OOM_SCORE_ADJ, p.oomScoreAdj).u32(PA.UID, p.uid).u32(PA.GID, p.gid);
  if (p.groups?.length) {
    const g = Buffer.alloc(p.groups.length * 4);
    p.groups.forEach((id, i) => g.writeUInt32LE(id, i * 4));
    w.bytes(PA.GROUPS, g);
  }
  w.u32(PA.UMASK, p.umask).str(PA.CWD, p.cwd);
  for (const e of p.env) w.str(PA.ENV, e);
  for (const a of p.args) w.str(PA.ARG, a);
  w.flag(PA.NO_NEW_PRIVS, p.noNewPrivileges);
  const caps = p.capabilities;
  if (caps) {
    w.nested(PA.CAPS, (n) =>
      n.u64(NA.CAP_BOUNDING, caps.bounding).u64(NA.CAP_EFFECTIVE, caps.effective)
        .u64(NA.CAP_INHERITABLE, caps.inheritable).u64(NA.CAP_PERMITTED, caps.permitted)
        .u64(NA.CAP_AMBIENT, caps.ambient),
    );
  }
  if (p.seccomp) w.bytes(PA.SECCOMP, p.seccomp.program).u32(PA.SECCOMP_FLAGS, p.seccomp.flags);
  w.u32(PA.PERSONALITY, p.personality).str(PA.APPARMOR, p.apparmorProfile).str(PA.SELINUX_LABEL, p.selinuxLabel);
  w.str(PA.KEYRING, p.keyring).u32(PA.IOPRIO, p.ioprio);
  const sched = p.scheduler;
  if (sched) {
    w.nested(PA.SCHEDULER, (n) =>
      n.u32(NA.SCHED_POLICY, sched.policy).u64(NA.SCHED_FLAGS, sched.flags).u32(NA.SCHED_NICE, sched.nice)
        .u32(NA.SCHED_PRIORITY, sched.priority).u64(NA.SCHED_RUNTIME, sched.runtime)
        .u64(NA.SCHED_DEADLINE, sched.deadline).u64(NA.SCHED_PERIOD, sched.period),
    );
  }
  w.flag(PA.HOOK_SYNC, p.hookSync);
  w.str(PA.ARGV0, p.argv0).flag(PA.USERNS_ROOT, p.usernsRoot).flag(PA.LOOPBACK_UP, p.loopbackUp);
  w.u32(PA.PRESERVE_FDS, p.preserveFds || undefined).flag(PA.CGROUP_WAIT, p.cgroupWait);
  if (p.seccompListener) {
    w.str(PA.SECCOMP_LISTENER, p.seccompListener.path);
    for (const piece of p.seccompListener.state) w.bytes(PA.SECCOMP_LISTENER_DATA, Buffer.from(piece));
  }
  for (const h of p.startHooks ?? []) {
    w.nested(PA.START_HOOK, (n) => {
      n.str(NA.HOOK_PATH, h.path);
      for (const a of h.args ?? []) n.str(NA.HOOK_ARG, a);
      for (const e of h.env ?? []) n.str(NA.HOOK_ENV, e);
      n.u32(NA.HOOK_TIMEOUT, h.timeout).bytes(NA.HOOK_STDIN, Buffer.from(h.stdin));
    });
  }
  return w.finish();
}
