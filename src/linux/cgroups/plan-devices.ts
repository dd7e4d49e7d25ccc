// linux.resources.devices -> the device allow/deny list.
//
// v1: one line per rule to devices.allow or devices.deny, in the listed order; the kernel keeps
// the list (starting from the parent's, normally "a *:* rwm" allowed).
// v2: there are no device files; the list must be compiled to a BPF_PROG_TYPE_CGROUP_DEVICE
// program and attached to the cgroup with bpf(2), which Bun cannot call. nsbox does not do that
// yet: on a v2-only system the rules are validated and reported as a warning, not enforced
// (the container still only gets the device nodes its config lists).
import { CgroupConfigError } from "./errors.ts";
import type { LinuxDeviceCgroup } from "./resources.ts";
import type { PlanContext } from "./plan-context.ts";

const F = "linux.resources.devices";

/** "c 1:3 rwm": the rule as the v1 devices.allow/deny files and devices.list spell it. */
export function deviceRuleLine(rule: LinuxDeviceCgroup, field: string): string {
  const type = rule.type ?? "a";
  if (!["a", "b", "c"].includes(type)) throw new CgroupConfigError(`${field}.type`, `"${type}" is not one of a, b, c`);
  const num = (n: number | null | undefined, what: string) => {
    if (n === undefined || n === null || n === -1) return "*";
    if (!Number.isInteger(n) || n < 0) throw new CgroupConfigError(`${field}.${what}`, `must be a device number, got ${n}`);
    return String(n);
  };
  const access = rule.access ?? "rwm";
  if (!/^[rwm]{0,3}$/.test(access) || new Set(access).size !== access.length) {
    throw new CgroupConfigError(`${field}.access`, `"${access}" is not a combination of r, w, m`);
  }
  return `${type} ${num(rule.major, "major")}:${num(rule.minor, "minor")} ${access || "rwm"}`;
}

/**
 * Devices a container always gets (the OCI spec's default devices plus the pty multiplexer and
 * ptys), as allow rules. The runtime appends these after the config's own rules, as runc does.
 */
export const DEFAULT_DEVICE_RULES: LinuxDeviceCgroup[] = [
  // mknod of any device node (runc's defaults): linux.devices are created whatever the rules say;
  // reading and writing them is what linux.resources.devices grants.
  { allow: true, type: "c", major: null, minor: null, access: "m" },
  { allow: true, type: "b", major: null, minor: null, access: "m" },
  { allow: true, type: "c", major: 1, minor: 3, access: "rwm" }, // /dev/null
  { allow: true, type: "c", major: 1, minor: 5, access: "rwm" }, // /dev/zero
  { allow: true, type: "c", major: 1, minor: 7, access: "rwm" }, // /dev/full
  { allow: true, type: "c", major: 5, minor: 0, access: "rwm" }, // /dev/tty
  { allow: true, type: "c", major: 1, minor: 8, access: "rwm" }, // /dev/random
  { allow: true, type: "c", major: 1, minor: 9, access: "rwm" }, // /dev/urandom
  { allow: true, type: "c", major: 5, minor: 2, access: "rwm" }, // /dev/ptmx
  { allow: true, type: "c", major: 136, minor: null, access: "rwm" }, // /dev/pts/*
];

export function planDevices(rules: LinuxDeviceCgroup[] | undefined, ctx: PlanContext): void {
  if (!rules?.length) return;
  const lines = rules.map((r, i) => {
    if (typeof r.allow !== "boolean") throw new CgroupConfigError(`${F}[${i}].allow`, "must be true or false");
    return deviceRuleLine(r, `${F}[${i}]`);
  });
  const d = ctx.target("devices", F);
  if (d.version === 2) {
    ctx.warn(F, "device rules are not enforced on cgroup v2 yet (needs an eBPF device program); ignored");
    return;
  }
  rules.forEach((r, i) => ctx.write(d, r.allow ? "devices.allow" : "devices.deny", lines[i], `${F}[${i}]`));
}
