// The compiler from an OCI config to a launcher plan: pure (no file system, no kernel), so every
// decision here is unit-tested without root (test/unit/compile.test.ts).
import * as path from "node:path";
import { CLONE, MS } from "../linux/plan-ids.ts";
import { seccompListenerState, type CgroupJoin, type LaunchPlan, type MountStep, type NamespaceRef } from "../linux/plan.ts";
import { capabilitySets } from "./capabilities.ts";
import { DEFAULT_DEVICES, DEV_SYMLINKS, mergeDevices, specDevice } from "./devices.ts";
import { parseMountOptions, rootPropagation } from "./mount-options.ts";
import { RLIMITS } from "./rlimits.ts";
import { checkSysctls } from "./sysctls.ts";
import type { CompiledSeccomp } from "./seccomp/index.ts";
import { compileSeccomp } from "./seccomp/lazy.ts";
import type { IdMapping, NamespaceType, Process, Spec } from "./spec.ts";
import { ConfigError } from "./validate.ts";
import { ioprioValue, schedAttr } from "./scheduling.ts";

export const NAMESPACE_FLAGS: Record<NamespaceType, number> = {
  mount: CLONE.NEWNS, pid: CLONE.NEWPID, network: CLONE.NEWNET, ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS, user: CLONE.NEWUSER, cgroup: CLONE.NEWCGROUP, time: CLONE.NEWTIME,
};

/** The file under /proc/PID/ns/ of each namespace type. */
const NS_FILE: Record<NamespaceType, string> = {
  mount: "mnt", pid: "pid", network: "net", ipc: "ipc", uts: "uts", user: "user", cgroup: "cgroup", time: "time",
};

/** Joins of every namespace the config lists, through the running container's /proc/PID/ns
 * (exec, and createContainer hooks). */
export function containerJoins(spec: Spec, pid: number): NamespaceRef[] {
  return (spec.linux?.namespaces ?? []).map((ns) => ({ type: NAMESPACE_FLAGS[ns.type], path: `/proc/${pid}/ns/${NS_FILE[ns.type]}` }));
}

/** What the compiler needs to know about the host (read by the caller, faked in unit tests). */
export interface HostView {
  /**
   * cgroup hierarchies mounted on the host: v1 ones with their controllers, or one cgroup2; with
   * the container's own cgroup directory in each (host path) once the runtime has created it.
   */
  cgroupHierarchies: { name: string; version: 1 | 2; options: string; containerDir?: string }[];
  /** SELinux is enabled: linux.mountLabel then labels the container's tmpfs mounts (as runc). */
  selinux?: boolean;
}

export interface CompileOptions {
  bundle: string;
  /** The container id (for the state a seccomp notify agent receives). */
  id?: string;
  execFifo?: string;
  consoleSocket?: string;
  foreground?: boolean;
  noPivot?: boolean;
  cgroupJoin?: CgroupJoin;
  host: HostView;
  /** linux.seccomp compiled already (the runtime's cache); otherwise compiled here. */
  seccomp?: CompiledSeccomp;
}

/** A container path, normalized; ".." that would climb above "/" is refused. */
export function containerPath(dest: string, field: string): string {
  const out: string[] = [];
  for (const part of dest.split("/")) {
    if (!part || part === ".") continue;
    if (part === "..") {
      if (!out.length) throw new ConfigError(field, `"${dest}" escapes the container's root`);
      out.pop();
    } else out.push(part);
  }
  return "/" + out.join("/");
}

function idMap(mappings: IdMapping[] | undefined): string | undefined {
  if (!mappings?.length) return undefined;
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join("");
}

/**
 * A "cgroup" mount becomes cgroup2, or (v1 and hybrid) a tmpfs with one mount per hierarchy. In
 * its own cgroup namespace the container mounts each hierarchy afresh (the namespace root is its
 * cgroup); without one a fresh v1 mount would show the host's whole tree, so, as runc does, the
 * container's own directory in each hierarchy is bind-mounted there instead.
 */
function cgroupMounts(dest: string, flags: number, host: HostView, ownCgroupNs: boolean): MountStep[] {
  const v2 = host.cgroupHierarchies.find((h) => h.version === 2 && h.name === "");
  if (v2) return [{ source: "cgroup", destination: dest, type: "cgroup2", flags }];
  const steps: MountStep[] = [
    { source: "tmpfs", destination: dest, type: "tmpfs", flags: flags & ~MS.RDONLY, data: "mode=755" },
  ];
  for (const h of host.cgroupHierarchies) {
    if (!ownCgroupNs && h.containerDir) {
      steps.push({ source: h.containerDir, destination: `${dest}/${h.name}`, flags: flags | MS.BIND });
    } else if (h.version === 2) {
      steps.push({ source: "cgroup", destination: `${dest}/${h.name}`, type: "cgroup2", flags });
    } else {
      steps.push({ source: "cgroup", destination: `${dest}/${h.name}`, type: "cgroup", flags, data: h.options });
    }
  }
  if (flags & MS.RDONLY) {
    steps.push({ destination: dest, flags: MS.REMOUNT | MS.BIND | MS.RDONLY });
  }
  return steps;
}

function compileMounts(spec: Spec, bundle: string, host: HostView, ownCgroupNs: boolean): MountStep[] {
  const steps: MountStep[] = [];
  (spec.mounts ?? []).forEach((m, i) => {
    const dest = containerPath(m.destination, `mounts[${i}].destination`);
    const opts = parseMountOptions(m.options);
    const bind = opts.bind || m.type === "bind";
    const flags = opts.flags | (bind ? MS.BIND : 0);
    if (m.type === "cgroup") {
      steps.push(...cgroupMounts(dest, flags, host, ownCgroupNs));
      return;
    }
    if (bind && !m.source) throw new ConfigError(`mounts[${i}].source`, "a bind mount needs a source");
    const source = bind && m.source ? path.resolve(bundle, m.source) : (m.source ?? m.type ?? "none");
    steps.push({
      source,
      destination: dest,
      type: bind ? undefined : m.type,
      flags,
      propagation: opts.propagation || undefined,
      data: withMountLabel(opts.data, !bind && m.type === "tmpfs" && host.selinux ? spec.linux?.mountLabel : undefined) || undefined,
    });
  });
  return steps;
}

/** runc's rule for linux.mountLabel: a tmpfs gets `context="LABEL"`, and only where SELinux is enabled. */
function withMountLabel(data: string, label: string | undefined): string {
  if (!label) return data;
  return data ? `${data},context="${label}"` : `context="${label}"`;
}

/**
 * RLIM_INFINITY is 2^64-1 in config.json, which JSON.parse rounds up to 2^64 (a double): taken as
 * unlimited, not wrapped to 0.
 */
function rlimitValue(v: number): bigint {
  return v >= 2 ** 64 ? 2n ** 64n - 1n : BigInt(v);
}

function rlimits(proc: Process) {
  const seen = new Map<string, number>();
  return (proc.rlimits ?? []).map((r, i) => {
    const resource = Object.hasOwn(RLIMITS, r.type) ? RLIMITS[r.type] : undefined;
    if (resource === undefined) throw new ConfigError(`process.rlimits[${i}].type`, `unknown rlimit "${r.type}"`);
    // runtime-spec: "If rlimits contains duplicated entries with same type, the runtime MUST
    // generate an error" (which one should win is anyone's guess).
    const first = seen.get(r.type);
    if (first !== undefined) throw new ConfigError(`process.rlimits[${i}].type`, `"${r.type}" is already set by process.rlimits[${first}]`);
    seen.set(r.type, i);
    return { resource, soft: rlimitValue(r.soft), hard: rlimitValue(r.hard) };
  });
}

const PERSONALITY: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };

function timeOffsets(spec: Spec): string | undefined {
  const o = spec.linux?.timeOffsets;
  if (!o) return undefined;
  return Object.entries(o)
    .map(([clock, v]) => `${clock} ${v.secs ?? 0} ${v.nanosecs ?? 0}\n`)
    .join("");
}

/** The process part, shared by create/run and exec; what is dropped is said in `notes`. */
export function compileProcess(
  proc: Process,
  fieldPrefix = "process",
  notes: string[] = [],
): Partial<LaunchPlan> & Pick<LaunchPlan, "args" | "env"> {
  const caps = proc.capabilities ? capabilitySets(proc.capabilities, `${fieldPrefix}.capabilities`, notes) : undefined;
  return {
    args: proc.args!,
    env: proc.env ?? [],
    cwd: proc.cwd,
    uid: proc.user.uid,
    gid: proc.user.gid,
    groups: proc.user.additionalGids,
    umask: proc.user.umask ?? 0o022,
    terminal: proc.terminal || undefined,
    noNewPrivileges: proc.noNewPrivileges || undefined,
    capabilities: caps,
    rlimits: rlimits(proc),
    oomScoreAdj: proc.oomScoreAdj,
    apparmorProfile: proc.apparmorProfile || undefined,
    selinuxLabel: proc.selinuxLabel || undefined,
    scheduler: schedAttr(proc.scheduler, `${fieldPrefix}.scheduler`),
    ioprio: ioprioValue(proc.ioPriority, `${fieldPrefix}.ioPriority`),
  };
}

/**
 * `notes` collects what was accepted but not carried out (said as warnings by the caller). Without
 * a mount namespace of its own (new or joined), the container is only chrooted into its rootfs:
 * its mounts would otherwise land in the host's mount namespace, so they are skipped.
 */
export function compileCreate(spec: Spec, opts: CompileOptions, notes: string[] = []): LaunchPlan {
  if (!spec.process) throw new ConfigError("process", "is required to create a container");
  if (!spec.root?.path) throw new ConfigError("root.path", "is required");
  const linux = spec.linux ?? {};
  let newNamespaces = 0;
  const join: LaunchPlan["join"] = [];
  for (const ns of linux.namespaces ?? []) {
    if (ns.path) join.push({ type: NAMESPACE_FLAGS[ns.type], path: ns.path });
    else newNamespaces |= NAMESPACE_FLAGS[ns.type];
  }
  const has = (type: number) => (newNamespaces & type) !== 0 || join.some((j) => j.type === type);
  const ownMounts = (newNamespaces & CLONE.NEWNS) !== 0 || join.some((j) => j.type === CLONE.NEWNS);
  const newUser = (newNamespaces & CLONE.NEWUSER) !== 0;
  if ((linux.uidMappings?.length || linux.gidMappings?.length) && !newUser && !join.some((j) => j.type === CLONE.NEWUSER))
    throw new ConfigError("linux.uidMappings", "mappings need a user namespace in linux.namespaces");
  if (newUser && !linux.uidMappings?.length) throw new ConfigError("linux.uidMappings", "a new user namespace needs uid mappings");
  const hasUts = (newNamespaces & CLONE.NEWUTS) !== 0;
  if (spec.hostname && !hasUts && !join.some((j) => j.type === CLONE.NEWUTS))
    throw new ConfigError("hostname", "setting a hostname needs a UTS namespace in linux.namespaces");

  const ownCgroupNs = (newNamespaces & CLONE.NEWCGROUP) !== 0 || join.some((j) => j.type === CLONE.NEWCGROUP);
  const mounts = compileMounts(spec, opts.bundle, opts.host, ownCgroupNs);
  const devMount = mounts.find((m) => m.destination === "/dev");
  const makeDevices = !devMount || !(devMount.flags & MS.BIND);
  const extraDevices = (linux.devices ?? []).map(specDevice);
  let devices = makeDevices ? mergeDevices(DEFAULT_DEVICES, extraDevices) : extraDevices;
  // mknod is refused in a user namespace: bind the host's nodes instead.
  if (newUser) devices.forEach((d) => (d.bind = true));
  const symlinks = makeDevices ? [...DEV_SYMLINKS] : [];
  if (mounts.some((m) => m.destination === "/dev/pts")) {
    // The devpts instance's ptmx wins over a /dev/ptmx node in linux.devices (podman --privileged
    // lists the host's), as in runc's setupPtmx; creating both failed with EEXIST.
    devices = devices.filter((d) => d.path !== "/dev/ptmx");
    symlinks.push({ target: "pts/ptmx", path: "/dev/ptmx" });
  }

  let personality: number | undefined;
  if (linux.personality) {
    const domain = linux.personality.domain;
    personality = Object.hasOwn(PERSONALITY, domain) ? PERSONALITY[domain] : undefined;
    if (personality === undefined) throw new ConfigError("linux.personality.domain", `unknown domain "${linux.personality.domain}"`);
  }
  let rootProp: number;
  try {
    rootProp = rootPropagation(linux.rootfsPropagation);
  } catch (err) {
    throw new ConfigError("linux.rootfsPropagation", (err as Error).message);
  }
  const seccomp = linux.seccomp ? (opts.seccomp ?? compileSeccomp(linux.seccomp as never)) : undefined;
  let seccompListener: LaunchPlan["seccompListener"];
  if (seccomp?.usesNotify) {
    const s = linux.seccomp as { listenerPath?: string; listenerMetadata?: string };
    if (!s.listenerPath) throw new ConfigError("linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY needs a listenerPath");
    const bundle = opts.bundle;
    seccompListener = {
      path: s.listenerPath,
      state: seccompListenerState((pid) => ({
        ociVersion: spec.ociVersion, fds: ["seccompFd"], pid, metadata: s.listenerMetadata ?? "",
        state: { ociVersion: spec.ociVersion, id: opts.id ?? "", status: "creating", pid, bundle, annotations: spec.annotations ?? {} },
      })),
    };
  }

  const rootfs = path.resolve(opts.bundle, spec.root.path);
  const fsPlan: Partial<LaunchPlan> = ownMounts
    ? {
        rootfs, rootPropagation: rootProp, rootReadonly: spec.root.readonly || undefined, noPivot: opts.noPivot || undefined,
        mounts, devices, symlinks, maskedPaths: linux.maskedPaths, readonlyPaths: linux.readonlyPaths,
      }
    : { enterRoot: rootfs };
  if (!ownMounts && (mounts.length || linux.maskedPaths?.length || linux.readonlyPaths?.length || spec.root.readonly))
    notes.push("linux.namespaces has no mount namespace: mounts, masked and read-only paths are skipped (chroot only)");

  return {
    ...compileProcess(spec.process, "process", notes),
    ...fsPlan,
    foreground: opts.foreground || undefined,
    execFifo: opts.execFifo,
    consoleSocket: opts.consoleSocket,
    setsid: true,
    newNamespaces,
    join,
    uidMap: idMap(linux.uidMappings),
    usernsRoot: newUser || undefined,
    loopbackUp: (newNamespaces & CLONE.NEWNET) !== 0 || undefined,
    gidMap: idMap(linux.gidMappings),
    cgroupJoin: opts.cgroupJoin,
    timeOffsets: timeOffsets(spec),
    hostname: spec.hostname,
    domainname: spec.domainname,
    sysctls: checkSysctls(linux.sysctl, {
      ipc: has(CLONE.NEWIPC), network: has(CLONE.NEWNET), uts: has(CLONE.NEWUTS),
    }),
    personality,
    seccomp: seccomp ? { program: seccomp.program, flags: seccomp.flags } : undefined,
    seccompListener,
  };
}
