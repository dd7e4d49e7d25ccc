// The resource and device settings of a HostConfig (resource-options.ts) -> the OCI config, as
// moby's oci_linux.go writes them: process.rlimits, process.oomScoreAdj, linux.devices plus a
// devices-cgroup rule each, linux.sysctl, the /dev/shm size, cpuset and memory resources. Pure.
import type { Device, Rlimit, Spec } from "../oci/spec.ts";
import type { HostConfig } from "./types.ts";

/** A --device resolved on the host (its node's type and numbers). */
export interface HostDevice {
  path: string; // in the container
  type: "c" | "b" | "p";
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  permissions: string;
}

/**
 * -1 (unlimited) is RLIM_INFINITY, 2^64-1, which a JS number cannot hold: the spec object carries
 * 2^64 (what JSON.parse makes of it, which nsbox-runtime takes as unlimited), and specJson()
 * writes the exact 2^64-1 that runc and crun (Go and C uint64) need.
 */
const RLIM_INFINITY = 2 ** 64;

function rlimitValue(n: number): number {
  return n < 0 ? RLIM_INFINITY : n;
}

/** config.json text of a spec; rlimits of RLIM_INFINITY written exactly. */
export function specJson(spec: Spec): string {
  const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
  return JSON.stringify(spec, (key, value) =>
    (key === "soft" || key === "hard") && value === RLIM_INFINITY ? raw("18446744073709551615") : value,
  );
}

export function ulimitsToRlimits(ulimits: HostConfig["Ulimits"]): Rlimit[] {
  return (ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.Name.toUpperCase()}`, hard: rlimitValue(u.Hard), soft: rlimitValue(u.Soft) }));
}

export function applyResources(spec: Spec, host: HostConfig, devices: HostDevice[]): void {
  const proc = spec.process!;
  const linux = spec.linux!;
  const resources = (linux.resources ??= {}) as Record<string, unknown>;
  const rlimits = ulimitsToRlimits(host.Ulimits);
  if (rlimits.length) proc.rlimits = rlimits;
  if (host.OomScoreAdj) proc.oomScoreAdj = host.OomScoreAdj;
  if (devices.length) {
    linux.devices = devices.map((d): Device => ({
      path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: d.uid, gid: d.gid,
    }));
    // After the deny-all rule: only what --device's PERMS grant (privileged already allows all).
    if (!host.Privileged) {
      const rules = resources.devices as object[];
      for (const d of devices) rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions });
    }
  }
  if (host.Sysctls && Object.keys(host.Sysctls).length) linux.sysctl = { ...host.Sysctls };
  if (host.ShmSize) {
    const shm = spec.mounts?.find((m) => m.destination === "/dev/shm" && m.type === "tmpfs");
    if (shm) shm.options = [...(shm.options ?? []).filter((o) => !o.startsWith("size=")), `size=${host.ShmSize}`];
  }
  const memory = { ...((resources.memory as object | undefined) ?? {}) } as Record<string, unknown>;
  if (host.MemoryReservation) memory.reservation = host.MemoryReservation;
  if (host.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) resources.memory = memory;
  const cpu = { ...((resources.cpu as object | undefined) ?? {}) } as Record<string, unknown>;
  if (host.CpusetCpus) cpu.cpus = host.CpusetCpus;
  if (host.CpusetMems) cpu.mems = host.CpusetMems;
  if (Object.keys(cpu).length) resources.cpu = cpu;
}
