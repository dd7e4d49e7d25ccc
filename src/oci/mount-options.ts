// OCI mount options ("ro", "rbind", "rprivate", "size=64m", ...) → mount(2) flags, propagation
// and the data string, with runc's meanings.
import { MS } from "../linux/plan-ids.ts";

export interface ParsedMountOptions {
  flags: number;
  propagation: number;
  data: string;
  bind: boolean;
}

// [set, clear] pairs: "rw" clears MS_RDONLY, "ro" sets it, and so on.
const FLAG_OPTIONS: Record<string, [number, number]> = {
  async: [0, MS.SYNCHRONOUS], atime: [0, MS.NOATIME], bind: [MS.BIND, 0], defaults: [0, 0],
  dev: [0, MS.NODEV], diratime: [0, MS.NODIRATIME], dirsync: [MS.DIRSYNC, 0], exec: [0, MS.NOEXEC],
  mand: [MS.MANDLOCK, 0], noatime: [MS.NOATIME, 0], nodev: [MS.NODEV, 0], nodiratime: [MS.NODIRATIME, 0],
  noexec: [MS.NOEXEC, 0], nomand: [0, MS.MANDLOCK], norelatime: [0, MS.RELATIME],
  nostrictatime: [0, MS.STRICTATIME], nosuid: [MS.NOSUID, 0], nosymfollow: [MS.NOSYMFOLLOW, 0],
  rbind: [MS.BIND | MS.REC, 0], relatime: [MS.RELATIME, 0], remount: [MS.REMOUNT, 0], ro: [MS.RDONLY, 0],
  rw: [0, MS.RDONLY], strictatime: [MS.STRICTATIME, 0], suid: [0, MS.NOSUID], sync: [MS.SYNCHRONOUS, 0],
  lazytime: [MS.LAZYTIME, 0], nolazytime: [0, MS.LAZYTIME], silent: [MS.SILENT, 0], loud: [0, MS.SILENT],
};

const PROPAGATION_OPTIONS: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

// Options that belong to other tools (container engines) and mean nothing to mount(2).
const IGNORED = new Set(["tmpcopyup", "notmpcopyup", "copyup", "nocopyup", "z", "Z"]);

export function parseMountOptions(options: string[] = []): ParsedMountOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const opt of options) {
    // Object.hasOwn: "constructor" or "toString" are data, not members of these tables.
    const flag = Object.hasOwn(FLAG_OPTIONS, opt) ? FLAG_OPTIONS[opt] : undefined;
    if (flag) {
      flags = (flags | flag[0]) & ~flag[1];
    } else if (Object.hasOwn(PROPAGATION_OPTIONS, opt)) {
      propagation = PROPAGATION_OPTIONS[opt]!;
    } else if (!IGNORED.has(opt)) {
      data.push(opt);
    }
  }
  return { flags, propagation, data: data.join(","), bind: (flags & MS.BIND) !== 0 };
}

/** linux.rootfsPropagation → flags for "/" (runc's default: rslave). */
export function rootPropagation(value: string | undefined): number {
  if (!value) return MS.SLAVE | MS.REC;
  const p = Object.hasOwn(PROPAGATION_OPTIONS, value) ? PROPAGATION_OPTIONS[value] : undefined;
  if (p === undefined) throw new Error(`unknown propagation "${value}"`);
  return p | MS.REC;
}
