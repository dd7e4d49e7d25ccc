// What unshare/nsenter planning needs from the running system, read at most once per command and
// only when asked for: the caller's identity, account files, mount points, and checks on namespace
// files given by the user. node:fs (~1 ms to load) only for what options ask for: `nsbox nsenter
// -a -t PID` and `nsbox unshare --fork --pid --mount-proc` get by with libc.ts.
import { UserError, describeErrno } from "../common/errors.ts";
import { inodeOf, pathExists } from "../linux/libc.ts";
import type { NsenterContext } from "./nsenter-plan.ts";
import type { NsType } from "./types.ts";
import type { UnshareContext } from "./unshare-plan.ts";

const NSFS_MAGIC = 0x6e736673;

const fs = () => require("node:fs") as typeof import("node:fs");

function readOr(path: string, fallback = ""): string {
  try {
    return fs().readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

function mountPoints(): Set<string> {
  const { readMountinfo } = require("../linux/mountinfo.ts") as typeof import("../linux/mountinfo.ts");
  return new Set(readMountinfo().map((m) => m.mountPoint));
}

export function unshareContext(): UnshareContext {
  const euid = process.geteuid!();
  // The account files are read only when options need them (--map-user NAME, --map-auto...).
  const files = new Map<string, string>();
  const read = (path: string) => files.get(path) ?? files.set(path, readOr(path)).get(path)!;
  let mounts: Set<string> | undefined;
  return {
    euid, egid: process.getegid!(), cwd: process.cwd(), env: process.env,
    get passwd() { return read("/etc/passwd"); },
    get group() { return read("/etc/group"); },
    get subuid() { return read("/etc/subuid"); },
    get subgid() { return read("/etc/subgid"); },
    get userName() {
      for (const line of this.passwd.split("\n")) {
        const f = line.split(":");
        if (f[2] === String(euid)) return f[0]!;
      }
      return String(euid);
    },
    isMountPoint: (p) => (mounts ??= mountPoints()).has(p),
  };
}

/** Fails with one clear line unless `path` exists and is a namespace file (nsfs). */
export function checkNamespaceFile(path: string, type: NsType): void {
  let fsType: number;
  try {
    fsType = Number(fs().statfsSync(path).type);
  } catch (err) {
    throw new UserError(`cannot open ${path}: ${describeErrno((err as NodeJS.ErrnoException).code ?? "")}`);
  }
  if (fsType !== NSFS_MAGIC) throw new UserError(`${path} is not a namespace file (for --${type})`);
}

export function nsenterContext(targetPid: number | undefined): NsenterContext {
  return {
    targetPid, cwd: process.cwd(), env: process.env,
    kernelHas: (t: NsType) => pathExists(`/proc/self/ns/${t}`),
    sameUserNamespace: () => targetPid !== undefined && inodeOf("/proc/self/ns/user") === inodeOf(`/proc/${targetPid}/ns/user`),
    alreadyIn: (t: NsType, path: string) => {
      const mine = inodeOf(`/proc/self/ns/${t}`);
      return mine !== undefined && mine === inodeOf(path);
    },
    setgroupsDenied: () => targetPid !== undefined && readOr(`/proc/${targetPid}/setgroups`).trim() === "deny",
  };
}
