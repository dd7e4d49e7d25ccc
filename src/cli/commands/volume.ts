// `nsbox volume create|ls|inspect|rm|prune`: docker's volume commands, a thin layer over
// Engine.volumes (src/engine/volumes.ts). Errors: one line, exit 1, as docker's.
import { confirm } from "../../common/confirm.ts";
import { UserError } from "../../common/errors.ts";
import { printErr } from "../../common/output.ts";
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { labelMap } from "../../common/labels.ts";
import { volumePruneFilter } from "../../engine/volume-filters.ts";
import type { Volume } from "../../engine/volumes.ts";
import { goTemplate, humanSize, table } from "../../image/cli/format.ts";

export const summary = "Manage volumes (create, ls, inspect, rm, prune)";

type Sub = (argv: string[]) => Promise<number>;
const SUBS: Record<string, Sub> = { create, ls, inspect, rm, prune };
const ALIASES: Record<string, string> = { list: "ls", remove: "rm" };

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    console.log(usage("volume COMMAND", summary, ["create    Create a volume", "inspect   Display detailed information on one or more volumes", "ls        List volumes", "prune     Remove unused local volumes", "rm        Remove one or more volumes"]));
    return sub ? 0 : 1;
  }
  const fn = SUBS[ALIASES[sub] ?? sub];
  if (!fn) throw new UserError(`'volume ${sub}' is not a nsbox command. Commands: ${Object.keys(SUBS).join(", ")}`, 1);
  return fn(rest);
}

async function create(argv: string[]): Promise<number> {
  const spec = { label: { type: "string", multiple: true }, name: { type: "string" }, driver: { type: "string", short: "d" }, opt: { type: "string", short: "o", multiple: true } } as const;
  const { values: v, positionals } = parse(argv, spec, "volume create");
  if (v.help) return console.log(usage("volume create [OPTIONS] [VOLUME]", "Create a volume", ["-d, --driver string   only \"local\"", "    --label list      set metadata for a volume", "    --name string     the volume's name (or the argument)"])), 0;
  if (positionals.length > 1) throw new UserError(`"volume create" requires at most 1 argument.`, 1);
  if (v.name && positionals[0] && v.name !== positionals[0])
    throw new UserError(`conflicting options: either specify --name or provide positional arg, not both`, 1);
  // The local driver's options (type=, device=, o=) mount file systems: not offered.
  if ((v.opt as string[] | undefined)?.length) throw new UserError("volume create: --opt is not supported (the local driver's directory volumes only)", 1);
  const e = openEngine(v);
  const vol = e.volumes.create({ name: (v.name as string | undefined) ?? positionals[0], labels: labelMap((v.label as string[] | undefined) ?? []), driver: v.driver as string | undefined });
  console.log(vol.Name);
  return 0;
}

/** The fields `volume ls --format` offers (docker's formatter: Labels as "k=v,k2=v2"). */
function lsFields(vol: Volume) {
  const labels = Object.entries(vol.Labels ?? {}).map(([k, x]) => `${k}=${x}`).join(",");
  return { ...vol, Labels: labels, Links: "N/A", Size: "N/A" };
}

async function ls(argv: string[]): Promise<number> {
  const spec = { quiet: { type: "boolean", short: "q" }, filter: { type: "string", short: "f", multiple: true }, format: { type: "string" } } as const;
  const { values: v, positionals } = parse(argv, spec, "volume ls");
  if (v.help) return console.log(usage("volume ls [OPTIONS]", "List volumes", ["-f, --filter filter   dangling=true|false, driver=local, label=K[=V], label!=K[=V], name=PART", "    --format string   Go template: .Name .Driver .Scope .Mountpoint .Labels .CreatedAt", "-q, --quiet           only volume names"])), 0;
  if (positionals.length) throw new UserError(`"volume ls" accepts no arguments.`, 1);
  const vols = openEngine(v).volumes.list((v.filter as string[] | undefined) ?? []);
  if (v.quiet) for (const vol of vols) console.log(vol.Name);
  else if (v.format) for (const vol of vols) console.log(goTemplate(v.format as string, lsFields(vol)));
  else console.log(table([["DRIVER", "VOLUME NAME"], ...vols.map((vol) => [vol.Driver, vol.Name])], 10));
  return 0;
}

async function inspect(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { format: { type: "string", short: "f" } }, "volume inspect");
  if (v.help) return console.log(usage("volume inspect [OPTIONS] VOLUME [VOLUME...]", "Display detailed information on one or more volumes", ["-f, --format string   Go template"])), 0;
  if (!positionals.length) throw new UserError(`"volume inspect" requires at least 1 argument.`, 1);
  const e = openEngine(v);
  const found: Volume[] = [];
  let failed = false;
  for (const name of positionals) {
    try {
      found.push(e.volumes.inspect(name));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: ${err.message}`);
      failed = true;
    }
  }
  if (v.format) for (const vol of found) console.log(goTemplate(v.format as string, vol));
  else console.log(JSON.stringify(found, null, 4));
  return failed ? 1 : 0;
}

async function rm(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { force: { type: "boolean", short: "f" } }, "volume rm");
  if (v.help) return console.log(usage("volume rm [OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes. You cannot remove a volume that is in use by a container.", ["-f, --force   do not fail on volumes that do not exist"])), 0;
  const e = openEngine(v);
  return eachRef(positionals, "volume rm", (name) => void e.volumes.remove(name, { force: !!v.force }));
}

async function prune(argv: string[]): Promise<number> {
  const spec = { force: { type: "boolean", short: "f" }, all: { type: "boolean", short: "a" }, filter: { type: "string", multiple: true } } as const;
  const { values: v, positionals } = parse(argv, spec, "volume prune");
  if (v.help) return console.log(usage("volume prune [OPTIONS]", "Remove unused local volumes (anonymous ones only, unless --all)", ["-a, --all             remove all unused volumes, not just anonymous ones", "    --filter filter   label=K[=V], label!=K[=V], all=true", "-f, --force           do not prompt for confirmation"])), 0;
  if (positionals.length) throw new UserError(`"volume prune" accepts no arguments.`, 1);
  const filters = (v.filter as string[] | undefined) ?? [];
  volumePruneFilter(filters); // a bad filter is refused before the question
  const e = openEngine(v);
  const all = !!v.all || filters.some((f) => /^all=(true|1)$/.test(f));
  const what = all ? "all local volumes" : "anonymous local volumes";
  // docker cancels silently with exit 0, as the other prune commands.
  if (!v.force && !confirm(`WARNING! This will remove ${what} not used by at least one container.\nAre you sure you want to continue?`)) return 0;
  const report = e.volumes.prune({ filters, all: !!v.all });
  if (report.VolumesDeleted.length) console.log(["Deleted Volumes:", ...report.VolumesDeleted, ""].join("\n"));
  console.log(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}`);
  return 0;
}
