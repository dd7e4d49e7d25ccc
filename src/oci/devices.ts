// The devices every container gets (runc's defaults) and the /dev symlinks that go with them.
import type { DeviceNode } from "../linux/plan.ts";
import type { Device } from "./spec.ts";
import { ConfigError } from "./validate.ts";

export const DEFAULT_DEVICES: DeviceNode[] = [
  { path: "/dev/null", type: "c", major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/zero", type: "c", major: 1, minor: 5, mode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/full", type: "c", major: 1, minor: 7, mode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/random", type: "c", major: 1, minor: 8, mode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/urandom", type: "c", major: 1, minor: 9, mode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/tty", type: "c", major: 5, minor: 0, mode: 0o666, uid: 0, gid: 0 },
];

export const DEV_SYMLINKS = [
  { target: "/proc/self/fd", path: "/dev/fd" },
  { target: "/proc/self/fd/0", path: "/dev/stdin" },
  { target: "/proc/self/fd/1", path: "/dev/stdout" },
  { target: "/proc/self/fd/2", path: "/dev/stderr" },
];

/** linux.devices[] → device nodes; "u" (unbuffered char) is a char device. */
export function specDevice(d: Device, index: number): DeviceNode {
  if (!d.path.startsWith("/dev/"))
    throw new ConfigError(`linux.devices[${index}].path`, `"${d.path}" is not under /dev`);
  return {
    path: d.path,
    type: d.type === "u" ? "c" : (d.type as "c" | "b" | "p"),
    major: d.major ?? 0,
    minor: d.minor ?? 0,
    mode: (d.fileMode ?? 0o666) & 0o7777,
    uid: d.uid ?? 0,
    gid: d.gid ?? 0,
  };
}

/** Config devices replace defaults at the same path. Returns copies: the caller may change them
 * (bind in a user namespace) without changing the defaults for the next container. */
export function mergeDevices(defaults: DeviceNode[], extra: DeviceNode[]): DeviceNode[] {
  const byPath = new Map(defaults.map((d) => [d.path, { ...d }]));
  for (const d of extra) byPath.set(d.path, d);
  return [...byPath.values()];
}
