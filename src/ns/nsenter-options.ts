// `nsbox nsenter` options with util-linux nsenter(1)'s names and meanings (pure).
import { UserError } from "../common/errors.ts";
import { getopt, type OptionSpec } from "../common/getopt.ts";
import { parseId } from "./parse-values.ts";
import { NS_OPTIONS, type NsType } from "./types.ts";

export interface NsenterOptions {
  /** -t: a PID, or (nsbox) a container name or ID. */
  target?: string;
  /** Namespaces to enter, each from a file when one was given (-n/path), else from the target. */
  enter: Map<NsType, string | undefined>;
  all: boolean;
  setuid?: number;
  setgid?: number;
  preserveCredentials: boolean;
  /** -r: true = the target's root, a string = that directory. Same for -w. */
  root?: string | true;
  wd?: string | true;
  noFork: boolean;
  followContext: boolean;
  help: boolean;
  version: boolean;
  program: string[];
}


export const NSENTER_SPECS: OptionSpec[] = [
  { name: "all", short: "a", arg: "none" },
  { name: "target", short: "t", arg: "required" },
  ...NS_OPTIONS.map(([name, short]) => ({ name, short, arg: "optional" as const })),
  { name: "setuid", short: "S", arg: "required" },
  { name: "setgid", short: "G", arg: "required" },
  { name: "preserve-credentials", arg: "none" },
  { name: "root", short: "r", arg: "optional" },
  { name: "wd", short: "w", arg: "optional" },
  { name: "no-fork", short: "F", arg: "none" },
  { name: "follow-context", short: "Z", arg: "none" },
  { name: "help", short: "h", arg: "none" },
  { name: "version", short: "V", arg: "none" },
];

export function parseNsenterArgs(argv: string[]): NsenterOptions {
  const { options, rest } = getopt(argv, NSENTER_SPECS);
  const o: NsenterOptions = {
    enter: new Map(), all: false, preserveCredentials: false, noFork: false, followContext: false,
    help: false, version: false, program: rest,
  };
  for (const { name, value } of options) {
    const ns = NS_OPTIONS.find(([n]) => n === name);
    if (ns) {
      // util-linux also accepts "-n=path" for the short form; the "=" is not part of the path.
      o.enter.set(ns[2], value?.replace(/^=/, "") ?? o.enter.get(ns[2]));
      continue;
    }
    switch (name) {
      case "all": o.all = true; break;
      case "target":
        if (o.target !== undefined) throw new UserError("option --target may be given only once");
        if (!value) throw new UserError("failed to parse pid: ''");
        o.target = value;
        break;
      case "setuid": o.setuid = parseId(value!, "uid"); break;
      case "setgid": o.setgid = parseId(value!, "gid"); break;
      case "preserve-credentials": o.preserveCredentials = true; break;
      case "root": o.root = value ?? true; break;
      case "wd": o.wd = value?.replace(/^=/, "") ?? true; break;
      case "no-fork": o.noFork = true; break;
      case "follow-context": o.followContext = true; break;
      case "help": o.help = true; break;
      case "version": o.version = true; break;
    }
  }
  return o;
}
