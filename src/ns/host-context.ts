// What unshare/nsenter planning needs from the running system, read once per command: the caller's
// identity, account files, mount points, and checks on namespace files given by the user.
import { existsSync, readFileSync, statfsSync, statSync } from "node:fs";
import { UserError, describeErrno } from "../common/errors.ts";
import { readMountinfo } from "../linux/mountinfo.ts";
import type { NsenterContext } from "./nsenter-plan.ts";
import type { NsType } from "./types.ts";
import type { UnshareContext } from "./unshare-plan.ts";

const NSFS_MAGIC = 0x6e736673;

function readOr(path: string, fallback = ""): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

function mountPoints(): Set<string> {
  return new Set(readMountinfo().map((m) => m.mountPoint));
}

export function unshareContext(): UnshareContext {
  const euid = process.geteuid!();
  const passwd = readOr("/etc/passwd");
  let userName = String(euid);
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[2] === String(euid)) {
      userName = f[0]!;
      break;
    }
  }
  let mounts: Set<string> | undefined;
  return {
    euid, egid: process.getegid!(), userName, cwd: process.cwd(), env: process.env, passwd,
    group: readOr("/etc/group"), subuid: readOr("/etc/subuid"), subgid: readOr("/etc/subgid"),
    isMountPoint: (p) => (mounts ??= mountPoints()).has(p),
  };
}

/** Fails with one clear line unless `path` exists and is a namespace file (nsfs). */
export function checkNamespaceFile(path: string, type: NsType): void {
  let fsType: number;
  try {
    fsType = Number(statfsSync(path).type);
  } catch (err) {
    throw new UserError(`cannot open ${path}: ${describeErrno((err as NodeJS.ErrnoException).code ?? "")}`);
  }
  if (fsType !== NSFS_MAGIC) throw new UserError(`${path} is not a namespace file (for --${type})`);
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

export function nsenterContext(targetPid: number | undefined): NsenterContext {
  return {
    targetPid, cwd: process.cwd(), env: process.env,
    kernelHas: (t: NsType) => existsSync(`/proc/self/ns/${t}`),
    sameUserNamespace: () => targetPid !== undefined && inodeOf("/proc/self/ns/user") === inodeOf(`/proc/${targetPid}/ns/user`),
    alreadyIn: (t: NsType, path: string) => {
      const mine = inodeOf(`/proc/self/ns/${t}`);
      return mine !== undefined && mine === inodeOf(path);
    },
    setgroupsDenied: () => targetPid !== undefined && readOr(`/proc/${targetPid}/setgroups`).trim() === "deny",
  };
}
