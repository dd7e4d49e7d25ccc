// The resource settings' checks against this host (at create, so a bad value leaves nothing
// behind) and what start reads from it: --device nodes, the CPUs and memory nodes online, and
// the rlimits we can grant (the container's process inherits ours; raising a hard limit needs
// CAP_SYS_RESOURCE, which root in a VM or a container may lack).
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
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

type DevStat = ReturnType<typeof statBig>;
const statBig = (path: string) => statSync(path, { bigint: true });
const deviceType = (st: DevStat) => (st.isCharacterDevice() ? "c" : st.isBlockDevice() ? "b" : st.isFIFO() ? "p" : undefined);

function fromStat(st: DevStat, type: "c" | "b" | "p", pathInContainer: string, permissions: string): HostDevice {
  return {
    path: pathInContainer, type, ...splitDev(st.rdev), fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid), gid: Number(st.gid), permissions,
  };
}

/** Device nodes below a directory, walked as moby's filepath.Walk does (lexical order, links not followed). */
function devicesBelow(dir: string, inContainer: string, permissions: string, out: HostDevice[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return; // moby ignores what it cannot read
  }
  for (const name of names) {
    let st: DevStat;
    try {
      st = lstatSync(`${dir}/${name}`, { bigint: true });
    } catch {
      continue;
    }
    const type = deviceType(st);
    if (type) out.push(fromStat(st, type, `${inContainer}/${name}`, permissions));
    else if (st.isDirectory()) devicesBelow(`${dir}/${name}`, `${inContainer}/${name}`, permissions, out);
  }
}

/**
 * A --device's host nodes, as moby's DevicesFromPath reads them: the node (a symlink followed),
 * or, for a directory (`--device /dev/snd`), every node below it at the same relative path.
 */
export function hostDevices(d: DeviceMapping): HostDevice[] {
  const what = `error gathering device information while adding custom device "${d.PathOnHost}"`;
  let st: DevStat;
  try {
    st = statBig(d.PathOnHost);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message;
    throw new UserError(`${what}: ${why}`, 125);
  }
  const type = deviceType(st);
  if (type) return [fromStat(st, type, d.PathInContainer, d.CgroupPermissions)];
  const found: HostDevice[] = [];
  if (st.isDirectory()) devicesBelow(realpathSync(d.PathOnHost), d.PathInContainer.replace(/\/+$/, ""), d.CgroupPermissions, found);
  if (!found.length) throw new UserError(`${what}: not a device node`, 125);
  return found;
}

/** What create refuses before anything exists. */
export function checkHostResources(host: HostConfig): void {
  checkSysctlNamespaces(host);
  checkMemoryReservation(host);
  for (const d of host.Devices ?? []) hostDevices(d);
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
