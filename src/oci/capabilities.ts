// Linux capabilities: OCI names -> bit numbers (linux/capability.h), and the five masks of
// `process.capabilities` the launcher applies (bounding, effective, inheritable, permitted,
// ambient).
//
// What cannot be granted is dropped with a warning, not an error: runtime-spec 1.0.3 and later
// (opencontainers/runtime-spec#1094) say such values "MUST be logged as a warning" and runtimes
// "SHOULD NOT fail"; runc and crun do the same. That covers a name this table does not know (a
// capability newer than nsbox, or a typo: the warning suggests the real name) and a name it knows
// but the running kernel does not (newer than /proc/sys/kernel/cap_last_cap, e.g.
// CAP_CHECKPOINT_RESTORE on a 5.4 kernel), and one outside the runtime's own bounding set, which
// no process it starts can ever hold (the spec's own example: "a restricted environment with
// limited capabilities", such as this project's VM, whose root lacks CAP_SYS_RESOURCE, or a
// runtime in a container). Dropping only ever grants less. A value that is not a
// string, or a list that is not an array, is a malformed config and stays an error. The engine
// (src/engine/spec.ts) refuses unknown names in --cap-add/--cap-drop outright, as docker does.
import { readFileSync } from "../linux/fs.ts";
import { UserError } from "../common/errors.ts";
import type { CapabilitySets } from "../linux/plan.ts";

export const CAPABILITIES: Readonly<Record<string, number>> = {
  CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_DAC_READ_SEARCH: 2, CAP_FOWNER: 3, CAP_FSETID: 4, CAP_KILL: 5,
  CAP_SETGID: 6, CAP_SETUID: 7, CAP_SETPCAP: 8, CAP_LINUX_IMMUTABLE: 9, CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13, CAP_IPC_LOCK: 14, CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16, CAP_SYS_RAWIO: 17, CAP_SYS_CHROOT: 18, CAP_SYS_PTRACE: 19, CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21, CAP_SYS_BOOT: 22, CAP_SYS_NICE: 23, CAP_SYS_RESOURCE: 24, CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26, CAP_MKNOD: 27, CAP_LEASE: 28, CAP_AUDIT_WRITE: 29, CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31, CAP_MAC_OVERRIDE: 32, CAP_MAC_ADMIN: 33, CAP_SYSLOG: 34, CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36, CAP_AUDIT_READ: 37, CAP_PERFMON: 38, CAP_BPF: 39, CAP_CHECKPOINT_RESTORE: 40,
};

/** The highest capability this table knows. */
export const LAST_KNOWN_CAP = 40;

const SETS = ["bounding", "effective", "inheritable", "permitted", "ambient"] as const;
type SetName = (typeof SETS)[number];

/**
 * The mask of a list of capability names; `field` names the JSON field in messages. Unknown
 * names are errors, or, given `notes`, dropped with a note there.
 */
export function capabilityMask(names: unknown, field: string, notes?: string[]): bigint {
  if (names === undefined || names === null) return 0n;
  if (!Array.isArray(names)) throw new UserError(`${field}: must be an array of capability names`);
  let mask = 0n;
  for (const name of names) {
    const bit = typeof name === "string" && Object.hasOwn(CAPABILITIES, name) ? CAPABILITIES[name] : undefined;
    if (bit === undefined) {
      const guess = typeof name === "string" ? `CAP_${name.toUpperCase().replace(/^CAP_/, "")}` : "";
      const hint = Object.hasOwn(CAPABILITIES, guess) ? ` (did you mean "${guess}"?)` : "";
      const problem = `${field}: unknown capability ${JSON.stringify(name)}${hint}`;
      if (!notes || typeof name !== "string") throw new UserError(problem);
      notes.push(`${problem}, ignored`);
      continue;
    }
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** Capability names in a mask, lowest bit first (for messages). */
export function capabilityNames(mask: bigint): string[] {
  return Object.entries(CAPABILITIES).filter(([, bit]) => mask & (1n << BigInt(bit))).map(([name]) => name);
}

let cachedLastCap: number | undefined;

/** The running kernel's highest capability (/proc/sys/kernel/cap_last_cap, since Linux 3.2). */
export function kernelLastCap(): number {
  if (cachedLastCap === undefined) {
    try {
      cachedLastCap = Number.parseInt(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"), 10);
    } catch {
      cachedLastCap = NaN;
    }
    if (!Number.isInteger(cachedLastCap)) cachedLastCap = LAST_KNOWN_CAP;
  }
  return cachedLastCap;
}

/** This process's capability bounding set (CapBnd of /proc/self/status); all bits if unreadable. */
export function ownBoundingSet(status?: string): bigint {
  if (status === undefined) {
    try {
      status = readFileSync("/proc/self/status", "utf8");
    } catch {
      status = "";
    }
  }
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex ? BigInt(`0x${hex}`) : (1n << 64n) - 1n;
}

/** What a process this runtime starts can hold: the kernel's capabilities and our bounding set. */
export interface HostCapabilities {
  lastCap: number;
  bounding: bigint;
}

export const hostCapabilities = (): HostCapabilities => ({ lastCap: kernelLastCap(), bounding: ownBoundingSet() });

/**
 * The five masks of `process.capabilities`. Unknown names, capabilities above the kernel's last
 * and capabilities outside our bounding set are dropped and reported in `notes` (see the top of
 * this file). Ambient ones missing from permitted or inheritable, which the kernel refuses to
 * raise, are dropped without a note: runc's default spec (and ours, and podman's) lists ambient
 * capabilities without inheritable ones since the CVE-2022-29162 fix, so a warning would greet
 * nearly every container; runc is silent too.
 */
export function capabilitySets(
  caps: Partial<Record<SetName, unknown>>,
  field: string,
  notes: string[] = [],
  host: HostCapabilities = hostCapabilities(),
): CapabilitySets {
  if (typeof caps !== "object" || caps === null || Array.isArray(caps)) throw new UserError(`${field}: must be an object`);
  const supported = (1n << BigInt(Math.min(host.lastCap, 63) + 1)) - 1n;
  const masks = {} as CapabilitySets;
  let withheld = 0n;
  const withheldIn: string[] = [];
  for (const set of SETS) {
    const mask = capabilityMask(caps[set], `${field}.${set}`, notes);
    const unsupported = mask & ~supported;
    if (unsupported) {
      notes.push(`${field}.${set}: ${capabilityNames(unsupported).join(", ")} not supported by this kernel (cap_last_cap ${host.lastCap}), ignored`);
    }
    const outside = mask & supported & ~host.bounding;
    if (outside) {
      withheld |= outside;
      withheldIn.push(set);
    }
    masks[set] = mask & supported & host.bounding;
  }
  if (withheld) {
    // One line for all sets: a privileged spec lists the same capability in all five.
    notes.push(`${field}: ${capabilityNames(withheld).join(", ")} not in the runtime's own bounding set (this host withholds them), ignored in ${withheldIn.join(", ")}`);
  }
  masks.ambient &= masks.permitted & masks.inheritable;
  return masks;
}
