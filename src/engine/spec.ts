// Docker-shaped container settings -> the OCI config.json the runtime runs. Pure: every input is
// resolved beforehand (user from the image's passwd, namespace paths of `container:X` targets,
// volume sources), so this is unit-tested without root.
import { UserError } from "../common/errors.ts";
import { CAPABILITIES } from "../oci/capabilities.ts";
import { defaultSpec } from "../oci/defaults.ts";
import type { Mount, Namespace, NamespaceType, Spec } from "../oci/spec.ts";
import type { ContainerConfig, HostConfig } from "./types.ts";
import { applyResources, type HostDevice } from "./spec-resources.ts";
import type { ResolvedUser } from "./user.ts";

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

/** How one namespace is set up: a new one, the host's (none in the spec), or joined by path. */
export type NsChoice = { kind: "private" } | { kind: "host" } | { kind: "path"; path: string };

export interface SpecInputs {
  id: string;
  config: ContainerConfig;
  host: HostConfig;
  rootfs: string;
  args: string[];
  env: string[];
  user: ResolvedUser;
  hostname: string;
  namespaces: Partial<Record<"network" | "pid" | "ipc" | "uts", NsChoice>>;
  /** Files the engine writes per container and binds in (docker's /etc/hostname, hosts, resolv.conf). */
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  /** -v and --tmpfs, with sources resolved (named volumes to their directory). */
  mounts: Mount[];
  /** Capabilities in our bounding set (what --privileged and ALL can grant). */
  availableCaps?: string[];
  /** linux.seccomp, resolved from the profile (docker's default, a file, or none). */
  seccomp?: Record<string, unknown>;
  /** --init: the host's static init binary, bound to /sbin/docker-init and run as PID 1. */
  initPath?: string;
  /** --device nodes, read on the host (resource-host.ts hostDevices). */
  devices?: HostDevice[];
}

export const INIT_DESTINATION = "/sbin/docker-init";

export function normalizeCap(name: string): string {
  const up = name.toUpperCase();
  if (up === "ALL") return up;
  const full = up.startsWith("CAP_") ? up : `CAP_${up}`;
  if (!(full in CAPABILITIES)) throw new UserError(`invalid capability: ${name}`, 125);
  return full;
}

/** Docker's rule: start from the defaults (or ALL), drop, then add; ALL in drop clears first. */
export function capabilities(host: Pick<HostConfig, "CapAdd" | "CapDrop" | "Privileged">, available?: string[]): string[] {
  // "All" means all that we hold (docker reads its bounding set too): a VM's root may lack some.
  const all = available ?? Object.keys(CAPABILITIES);
  if (host.Privileged) return all;
  const add = (host.CapAdd ?? []).map(normalizeCap);
  const drop = (host.CapDrop ?? []).map(normalizeCap);
  let caps = drop.includes("ALL") ? [] : DOCKER_DEFAULT_CAPS.filter((c) => !drop.includes(c));
  caps = add.includes("ALL") ? all : [...new Set([...caps, ...add])];
  return caps;
}

/** Entrypoint + Cmd as docker combines them; --entrypoint drops the image's Cmd (done by the caller). */
export function commandLine(entrypoint: string[] | null | undefined, cmd: string[] | null | undefined): string[] {
  return [...(entrypoint ?? []), ...(cmd ?? [])];
}

/** Image env, then the user's -e (same key replaces), then PATH/HOSTNAME/TERM defaults. */
export function mergeEnv(image: string[], user: string[], hostname: string, tty: boolean): string[] {
  const byKey = new Map<string, string>();
  const key = (e: string) => (e.includes("=") ? e.slice(0, e.indexOf("=")) : e);
  for (const e of [`HOSTNAME=${hostname}`, ...image, ...user]) byKey.set(key(e), e);
  if (!byKey.has("PATH")) byKey.set("PATH", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (tty && !byKey.has("TERM")) byKey.set("TERM", "TERM=xterm");
  return [...byKey.values()];
}

function namespaces(choices: SpecInputs["namespaces"]): Namespace[] {
  const out: Namespace[] = [{ type: "mount" }, { type: "cgroup" }];
  for (const type of ["network", "pid", "ipc", "uts"] as const) {
    const c = choices[type] ?? { kind: "private" };
    if (c.kind === "private") out.push({ type: type as NamespaceType });
    else if (c.kind === "path") out.push({ type: type as NamespaceType, path: c.path });
  }
  return out;
}

export function buildSpec(i: SpecInputs): Spec {
  const spec = defaultSpec({ seccomp: false }); // linux.seccomp is the caller's (i.seccomp)
  const caps = capabilities(i.host, i.availableCaps);
  const proc = spec.process!;
  proc.terminal = !!i.config.Tty;
  proc.args = i.initPath ? [INIT_DESTINATION, "--", ...i.args] : i.args;
  proc.env = i.env;
  proc.cwd = i.config.WorkingDir || "/";
  proc.user = { uid: i.user.uid, gid: i.user.gid, ...(i.user.additionalGids.length ? { additionalGids: i.user.additionalGids } : {}) };
  proc.capabilities = { bounding: caps, effective: caps, permitted: caps };
  proc.noNewPrivileges = (i.host.SecurityOpt ?? []).some((o) => /^no-new-privileges(:true|=true)?$/.test(o));
  delete proc.rlimits; // docker passes the daemon's limits through; we pass the caller's
  if (i.config.Tty && i.host.ConsoleSize?.[0]) proc.consoleSize = { height: i.host.ConsoleSize[0], width: i.host.ConsoleSize[1] };
  spec.root = { path: i.rootfs, readonly: !!i.host.ReadonlyRootfs };
  const ns = namespaces(i.namespaces);
  const ownUts = ns.some((n) => n.type === "uts" && !n.path);
  if (ownUts) spec.hostname = i.hostname;
  else delete spec.hostname;
  const linux = spec.linux!;
  linux.namespaces = ns;
  linux.cgroupsPath = `/nsbox/${i.id}`;
  const resources: Record<string, unknown> = { devices: [{ allow: false, access: "rwm" }] };
  if (i.host.Memory > 0) {
    const swap = i.host.MemorySwap === 0 ? i.host.Memory * 2 : i.host.MemorySwap; // docker: unset swap = 2x memory
    resources.memory = { limit: i.host.Memory, swap };
  }
  if (i.host.PidsLimit > 0) resources.pids = { limit: i.host.PidsLimit };
  const cpu: Record<string, number> = {};
  if (i.host.NanoCpus > 0) Object.assign(cpu, { period: 100000, quota: Math.round(i.host.NanoCpus / 10000) });
  if (i.host.CpuShares > 0) cpu.shares = i.host.CpuShares;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  linux.resources = resources;
  if (i.seccomp) linux.seccomp = i.seccomp;
  if (i.host.Privileged) {
    linux.maskedPaths = [];
    linux.readonlyPaths = [];
    resources.devices = [{ allow: true, access: "rwm" }];
  }
  const mounts = spec.mounts!.filter((m) => !(m.destination === "/sys" || m.destination === "/sys/fs/cgroup"));
  // With the host's network namespace sysfs shows its devices: docker mounts it then too.
  mounts.push({ destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", i.host.Privileged ? "rw" : "ro"] });
  mounts.push({ destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"] });
  const bind = (source: string, destination: string): Mount => ({ destination, type: "bind", source, options: ["rbind", "rprivate"] });
  mounts.push(bind(i.etcFiles.resolvConf, "/etc/resolv.conf"), bind(i.etcFiles.hostname, "/etc/hostname"), bind(i.etcFiles.hosts, "/etc/hosts"));
  if (i.initPath) mounts.push({ destination: INIT_DESTINATION, type: "bind", source: i.initPath, options: ["rbind", "ro"] });
  spec.mounts = [...mounts, ...i.mounts];
  applyResources(spec, i.host, i.devices ?? []);
  spec.annotations = { "org.nsbox.engine.id": i.id };
  return spec;
}
