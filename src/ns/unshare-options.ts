// `nsbox unshare` options with util-linux unshare(1)'s names, arguments and implications (pure).
import { UserError } from "../common/errors.ts";
import { getopt, type OptionSpec } from "../common/getopt.ts";
import { parseId, parseSignal } from "./parse-values.ts";
import { NS_OPTIONS, type NsType } from "./types.ts";

export type Propagation = "slave" | "shared" | "private" | "unchanged";

/** One line of a uid_map/gid_map: `inner outer count`. */
export interface IdRange {
  inner: number;
  outer: number;
  count: number;
}

export interface UnshareOptions {
  /** Namespaces to create, each with the file to persist it on when one was given (-n/path). */
  create: Map<NsType, string | undefined>;
  fork: boolean;
  mountProc?: string;
  /** --map-user / -r / -c: the uid (or name, resolved later) the caller becomes inside. */
  mapUser?: string;
  mapGroup?: string;
  mapUsers: IdRange[];
  mapGroups: IdRange[];
  mapAuto: boolean;
  propagation: Propagation;
  setgroups?: "allow" | "deny";
  /** Signal for --kill-child. */
  killChild?: number;
  root?: string;
  wd?: string;
  setuid?: number;
  setgid?: number;
  monotonic?: number;
  boottime?: number;
  help: boolean;
  version: boolean;
  /** Program and arguments; empty means the user's shell. */
  program: string[];
}


export const UNSHARE_SPECS: OptionSpec[] = [
  // unshare's optstring has no optional arguments: only the long forms take =FILE.
  ...NS_OPTIONS.map(([name, short]) => ({ name, short, arg: "optional" as const, shortArg: "none" as const })),
  { name: "fork", short: "f", arg: "none" },
  { name: "kill-child", arg: "optional" },
  { name: "mount-proc", arg: "optional" },
  { name: "map-user", arg: "required" },
  { name: "map-users", arg: "required" },
  { name: "map-group", arg: "required" },
  { name: "map-groups", arg: "required" },
  { name: "map-root-user", short: "r", arg: "none" },
  { name: "map-current-user", short: "c", arg: "none" },
  { name: "map-auto", arg: "none" },
  { name: "propagation", arg: "required" },
  { name: "setgroups", arg: "required" },
  { name: "keep-caps", arg: "none" },
  { name: "setuid", short: "S", arg: "required" },
  { name: "setgid", short: "G", arg: "required" },
  { name: "root", short: "R", arg: "required" },
  { name: "wd", short: "w", arg: "required" },
  { name: "monotonic", arg: "required" },
  { name: "boottime", arg: "required" },
  { name: "help", short: "h", arg: "none" },
  { name: "version", short: "V", arg: "none" },
];

/** `outer,inner,count` (util-linux 2.38) or `inner:outer:count` (newer util-linux). */
export function parseIdRange(s: string): IdRange {
  const n = (x: string) => (/^\d+$/.test(x) ? Number(x) : NaN);
  let m = /^(\d+),(\d+),(\d+)$/.exec(s);
  if (m) return { outer: n(m[1]!), inner: n(m[2]!), count: n(m[3]!) };
  m = /^(\d+):(\d+):(\d+)$/.exec(s);
  if (m) return { inner: n(m[1]!), outer: n(m[2]!), count: n(m[3]!) };
  throw new UserError(`invalid mapping '${s}'`);
}

export function parseUnshareArgs(argv: string[], euid: number, egid: number): UnshareOptions {
  const { options, rest } = getopt(argv, UNSHARE_SPECS);
  const o: UnshareOptions = {
    create: new Map(), fork: false, mapUsers: [], mapGroups: [], mapAuto: false, propagation: "private",
    help: false, version: false, program: rest,
  };
  const user = () => o.create.has("user") || o.create.set("user", undefined);
  for (const { name, value } of options) {
    const ns = NS_OPTIONS.find(([n]) => n === name);
    if (ns) {
      // A later bare -n keeps an earlier -n/path's file, as util-linux does.
      o.create.set(ns[2], value ?? o.create.get(ns[2]));
      continue;
    }
    switch (name) {
      case "fork": o.fork = true; break;
      case "kill-child": o.fork = true; o.killChild = value === undefined ? 9 : parseSignal(value); break;
      case "mount-proc": o.create.has("mnt") || o.create.set("mnt", undefined); o.mountProc = value ?? "/proc"; break;
      case "map-user": user(); o.mapUser = value; break;
      case "map-group": user(); o.mapGroup = value; break;
      case "map-root-user": user(); o.mapUser = "0"; o.mapGroup = "0"; break;
      case "map-current-user": user(); o.mapUser = String(euid); o.mapGroup = String(egid); break;
      case "map-users": user(); o.mapUsers.push(parseIdRange(value!)); break;
      case "map-groups": user(); o.mapGroups.push(parseIdRange(value!)); break;
      case "map-auto": user(); o.mapAuto = true; break;
      case "propagation":
        if (!["slave", "shared", "private", "unchanged"].includes(value!)) throw new UserError(`unsupported propagation mode: ${value}`);
        o.propagation = value as Propagation;
        break;
      case "setgroups":
        if (value !== "allow" && value !== "deny") throw new UserError(`unsupported --setgroups argument '${value}'`);
        o.setgroups = value;
        break;
      case "keep-caps": throw new UserError("--keep-caps is not supported yet");
      case "setuid": o.setuid = parseId(value!, "uid"); break;
      case "setgid": o.setgid = parseId(value!, "gid"); break;
      case "root": o.root = value; break;
      case "wd": o.wd = value; break;
      case "monotonic": o.monotonic = parseOffset(value!, "monotonic"); break;
      case "boottime": o.boottime = parseOffset(value!, "boottime"); break;
      case "help": o.help = true; break;
      case "version": o.version = true; break;
    }
  }
  if ((o.monotonic !== undefined || o.boottime !== undefined) && !o.create.has("time")) {
    throw new UserError("options --monotonic and --boottime require unsharing of a time namespace (-T)");
  }
  if (o.setgroups === "allow" && o.mapGroup !== undefined) {
    throw new UserError("options --setgroups=allow and --map-group are mutually exclusive");
  }
  return o;
}

function parseOffset(s: string, what: string): number {
  if (!/^-?\d+$/.test(s)) throw new UserError(`failed to parse ${what} offset: '${s}'`);
  return Number(s);
}
