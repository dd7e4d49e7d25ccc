// The resource settings' checks against this host (at create, so a bad value leaves nothing
// behind) and what start reads from it: --device nodes, the CPUs and memory nodes online, and
// the rlimits we can grant (the container's process inherits ours; raising a hard limit needs
// CAP_SYS_RESOURCE, which root in a VM or a container may lack).
import { readFileSync, statSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { checkCpuset, checkMemoryReservation, checkSysctlNamespaces } from "./resource-options.ts";
import type { HostDevice } from "./spec-resources.ts";
import type { DeviceMapping, HostConfig, Ulimit } from "./types.ts";

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

/** Linux's dev_t split (the kernel's new_encode_dev, as glibc's major()/minor()). */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  return {
    major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

/** A --device's host node, as moby's devices.DeviceFromPath reads it (following symlinks). */
export function hostDevice(d: DeviceMapping): HostDevice {
  let st;
  try {
    st = statSync(d.PathOnHost, { bigint: true });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message;
    throw new UserError(`error gathering device information while adding custom device "${d.PathOnHost}": ${why}`, 125);
  }
  const type = st.isCharacterDevice() ? "c" : st.isBlockDevice() ? "b" : st.isFIFO() ? "p" : undefined;
  if (!type) throw new UserError(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`, 125);
  return {
    path: d.PathInContainer, type, ...splitDev(st.rdev), fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid), gid: Number(st.gid), permissions: d.CgroupPermissions,
  };
}

/** What create refuses before anything exists. */
export function checkHostResources(host: HostConfig): void {
  checkSysctlNamespaces(host);
  checkMemoryReservation(host);
  for (const d of host.Devices ?? []) hostDevice(d);
  checkCpuset(host.CpusetCpus ?? "", readOr("/sys/devices/system/cpu/online", "0"), "cpus");
  checkCpuset(host.CpusetMems ?? "", readOr("/sys/devices/system/node/online", "0"), "mems");
}

const LIMITS_ROWS: Record<string, string> = {
  core: "Max core file size", cpu: "Max cpu time", data: "Max data size", fsize: "Max file size", locks: "Max file locks",
  memlock: "Max locked memory", msgqueue: "Max msgqueue size", nice: "Max nice priority", nofile: "Max open files",
  nproc: "Max processes", rss: "Max resident set", rtprio: "Max realtime priority", rttime: "Max realtime timeout",
  sigpending: "Max pending signals", stack: "Max stack size",
};
const CAP_SYS_RESOURCE = 24n;

/**
 * Without CAP_SYS_RESOURCE (`capEff`, /proc/self/status's hex) a hard limit above ours
 * (`limits`, /proc/self/limits' text) cannot be set: said in one line before the container starts.
 */
export function checkUlimitsGrantable(ulimits: Ulimit[], limits: string, capEff: string): void {
  if ((BigInt(`0x${capEff || "0"}`) >> CAP_SYS_RESOURCE) & 1n) return;
  for (const u of ulimits) {
    const row = limits.split("\n").find((l) => l.startsWith(LIMITS_ROWS[u.Name]!));
    const hardText = row?.slice(26).trim().split(/\s+/)[1];
    if (!hardText || hardText === "unlimited") continue;
    const ours = Number(hardText);
    if (u.Hard === -1 || u.Hard > ours) {
      const asked = u.Hard === -1 ? "unlimited" : String(u.Hard);
      throw new UserError(
        `--ulimit ${u.Name}: cannot raise the hard limit to ${asked} above the current ${ours} without CAP_SYS_RESOURCE`,
        125,
      );
    }
  }
}

/** checkUlimitsGrantable against this process (the monitor and the container inherit its limits). */
export function checkOurUlimits(ulimits: Ulimit[] | undefined): void {
  if (!ulimits?.length) return;
  const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readOr("/proc/self/status", ""))?.[1] ?? "";
  checkUlimitsGrantable(ulimits, readOr("/proc/self/limits", ""), capEff);
}
