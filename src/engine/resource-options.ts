// docker's --ulimit, --device, --sysctl, --shm-size, --group-add, --cpuset-cpus/-mems,
// --memory-reservation, --oom-kill-disable and --oom-score-adj: flag text -> HostConfig fields,
// with docker's messages (the docker CLI's for syntax, the daemon's for the rest). Pure; the
// checks that need the host (devices, CPUs) take what they read as arguments.
import { UserError } from "../common/errors.ts";
import type { DeviceMapping, HostConfig, Ulimit } from "./types.ts";

/** The HostConfig fields of this file as docker's create fills them when no flag is given. */
export function defaultResourceConfig() {
  return {
    Ulimits: [] as Ulimit[], Devices: [] as DeviceMapping[], GroupAdd: null, ShmSize: DEFAULT_SHM_SIZE,
    CpusetCpus: "", CpusetMems: "", MemoryReservation: 0, OomKillDisable: false, OomScoreAdj: 0, ContainerIDFile: "",
  } satisfies Partial<HostConfig>;
}

/** docker's default /dev/shm size (64 MiB). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
/** moby's linuxMinMemory, the smallest memory reservation it takes. */
const MIN_MEMORY = 6 * 1024 * 1024;

const flagError = (flag: string, value: string, why: string) =>
  new UserError(`invalid argument "${value}" for "${flag}" flag: ${why}`, 125);

/** go-units' ulimit names (its ulimitNameMapping), which are RLIMIT_<NAME> upper-cased. */
export const ULIMIT_NAMES = [
  "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime",
  "sigpending", "stack",
];

/** Go's strconv.ParseInt(s, 10, 64) error text. */
function goInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`strconv.ParseInt: parsing "${text}": invalid syntax`);
  const n = BigInt(text);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new Error(`strconv.ParseInt: parsing "${text}": value out of range`);
  return Number(n);
}

/** go-units ParseUlimit: NAME=SOFT[:HARD], hard defaults to soft, -1 is unlimited. */
export function parseUlimit(value: string): Ulimit {
  try {
    const i = value.indexOf("=");
    if (i < 0) throw new Error(`invalid ulimit argument: ${value}`);
    const name = value.slice(0, i);
    if (!ULIMIT_NAMES.includes(name)) throw new Error(`invalid ulimit type: ${name}`);
    const parts = value.slice(i + 1).split(":");
    if (parts.length > 2)
      throw new Error(`too many limit value arguments - ${value.slice(i + 1)}, can only have up to two, \`soft[:hard]\``);
    const hard = parts.length === 2 ? goInt(parts[1]!) : undefined;
    const soft = goInt(parts[0]!);
    const h = hard ?? soft;
    if (h !== -1 && soft > h) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
    return { Name: name, Hard: h, Soft: soft };
  } catch (err) {
    throw flagError("--ulimit", value, (err as Error).message);
  }
}

/** docker/cli's validDeviceMode: some of r, w, m, each at most once. */
function validDeviceMode(mode: string): boolean {
  return mode !== "" && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;
}

/** path.Clean for an absolute or relative slash path. */
function cleanPath(p: string): string {
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
    } else out.push(part);
  }
  return (abs ? "/" : "") + out.join("/") || (abs ? "/" : ".");
}

/** docker/cli's validateDevice + parseDevice: HOST[:CONTAINER][:PERMS], PERMS of rwm (default rwm). */
export function parseDevice(value: string): DeviceMapping {
  const fail = (why: string) => flagError("--device", value, why);
  if ((value.match(/:/g) ?? []).length > 2) throw fail(`bad format for path: ${value}`);
  const split = value.split(":");
  if (split[0] === "") throw fail(`bad format for path: ${value}`);
  let host = split[0]!;
  let container = host;
  let perms = "rwm";
  if (split.length === 2) {
    if (validDeviceMode(split[1]!)) perms = split[1]!;
    else container = split[1]!;
  } else if (split.length === 3) {
    container = split[1]!;
    if (!validDeviceMode(split[2]!)) throw fail(`bad mode specified: ${split[2]}`);
    perms = split[2]!;
  }
  if (!container.startsWith("/")) throw fail(`${container} is not an absolute path`);
  host = cleanPath(host);
  return { PathOnHost: host, PathInContainer: cleanPath(container), CgroupPermissions: perms };
}

// moby opts.ValidateSysctl: the namespaced sysctls (IPC: these and fs.mqueue.*; network: net.*).
const IPC_SYSCTLS = new Set([
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);

export function sysctlNamespace(key: string): "ipc" | "network" | undefined {
  if (IPC_SYSCTLS.has(key) || key.startsWith("fs.mqueue.")) return "ipc";
  if (key.startsWith("net.")) return "network";
  return undefined;
}

/** K=V -> [K, V]; a key outside a namespace docker knows is refused with the CLI's message. */
export function parseSysctl(value: string): [string, string] {
  const i = value.indexOf("=");
  if (i < 0 || !sysctlNamespace(value.slice(0, i))) throw flagError("--sysctl", value, `sysctl '${value}' is not allowed`);
  return [value.slice(0, i), value.slice(i + 1)];
}

/**
 * The daemon's rule: a network sysctl needs the container's own network namespace, an IPC one
 * its own IPC namespace (else it would change the host's, or another container's, values).
 */
export function checkSysctlNamespaces(host: Pick<HostConfig, "Sysctls" | "NetworkMode" | "IpcMode">): void {
  for (const key of Object.keys(host.Sysctls ?? {})) {
    const ns = sysctlNamespace(key);
    const mode = ns === "network" ? host.NetworkMode : ns === "ipc" ? host.IpcMode : "host";
    if (mode === "host") {
      throw new UserError(
        ns === "ipc" ? `sysctl "${key}" is not allowed in the hosts ipc namespace` : `sysctl "${key}" not allowed in host network namespace`,
        125,
      );
    }
    if (mode.startsWith("container:"))
      throw new UserError(`sysctl "${key}" not allowed: the ${ns === "ipc" ? "ipc" : "network"} namespace is shared with ${mode} (set it there)`, 125);
  }
}

/** moby's ParseUintList: "0-3,5" -> the set; docker's daemon wraps its error with the flag's name. */
export function parseUintList(value: string, what: string): Set<number> {
  const out = new Set<number>();
  const fail = () => new UserError(`Invalid value ${value} for cpuset ${what}: invalid format: ${value}`, 125);
  if (value === "") return out;
  for (const part of value.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw fail();
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw fail();
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return out;
}

/** The daemon's IsCpusetCpusAvailable/IsCpusetMemsAvailable: every one asked for must exist here. */
export function checkCpuset(requested: string, available: string, what: "cpus" | "mems"): void {
  if (!requested) return;
  const want = parseUintList(requested, what);
  const have = parseUintList(available.trim(), what);
  if ([...want].every((n) => have.has(n))) return;
  throw new UserError(
    what === "cpus"
      ? `Requested CPUs are not available - requested ${requested}, available: ${available.trim()}`
      : `Requested memory nodes are not available - requested ${requested}, available: ${available.trim()}`,
    125,
  );
}

/** --oom-score-adj: an integer in [-1000, 1000] (the daemon's message). */
export function parseOomScoreAdj(value: string): number {
  let n: number;
  try {
    n = goInt(value);
  } catch (err) {
    throw flagError("--oom-score-adj", value, (err as Error).message);
  }
  if (n < -1000 || n > 1000) throw new UserError(`Invalid value ${n}, range for oom score adj is [-1000, 1000]`, 125);
  return n;
}

/** The daemon's checks between memory flags (6 MiB minimum, reservation under the limit). */
export function checkMemoryReservation(host: Pick<HostConfig, "Memory" | "MemoryReservation">): void {
  const r = host.MemoryReservation ?? 0;
  if (r > 0 && r < MIN_MEMORY) throw new UserError("Minimum memory reservation allowed is 6MB", 125);
  if (host.Memory > 0 && r > 0 && host.Memory < r)
    throw new UserError("Minimum memory limit can not be less than memory reservation limit, see usage", 125);
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The run/create flags of this file -> their HostConfig fields (unset flags: docker's defaults). */
export function resourceHostConfig(v: Values, parseBytes: (flag: string, value: string) => number): Partial<HostConfig> {
  const s = (k: string) => v[k] as string | undefined;
  const list = (k: string) => (v[k] as string[] | undefined) ?? [];
  const sysctls = Object.fromEntries(list("sysctl").map(parseSysctl));
  const shm = s("shm-size");
  const out: Partial<HostConfig> = {
    ...defaultResourceConfig(),
    Ulimits: list("ulimit").map(parseUlimit),
    Devices: list("device").map(parseDevice),
    GroupAdd: list("group-add").length ? list("group-add") : null,
    ShmSize: shm ? parseBytes("--shm-size", shm) || DEFAULT_SHM_SIZE : DEFAULT_SHM_SIZE,
    CpusetCpus: s("cpuset-cpus") ?? "",
    CpusetMems: s("cpuset-mems") ?? "",
    MemoryReservation: s("memory-reservation") ? parseBytes("--memory-reservation", s("memory-reservation")!) : 0,
    OomKillDisable: !!v["oom-kill-disable"],
    OomScoreAdj: s("oom-score-adj") !== undefined ? parseOomScoreAdj(s("oom-score-adj")!) : 0,
    ContainerIDFile: s("cidfile") ?? "",
  };
  if (Object.keys(sysctls).length) out.Sysctls = sysctls;
  parseUintList(out.CpusetCpus!, "cpus");
  parseUintList(out.CpusetMems!, "mems");
  return out;
}

/** The RUN_FLAGS entries of this file. */
export const RESOURCE_FLAGS = {
  ulimit: { type: "string", multiple: true },
  device: { type: "string", multiple: true },
  sysctl: { type: "string", multiple: true },
  "shm-size": { type: "string" },
  "group-add": { type: "string", multiple: true },
  "cpuset-cpus": { type: "string" },
  "cpuset-mems": { type: "string" },
  "memory-reservation": { type: "string" },
  "oom-kill-disable": { type: "boolean" },
  "oom-score-adj": { type: "string" },
  cidfile: { type: "string" },
} as const;
