// `nsbox container SUBCOMMAND`: docker's management form (ls, rm, inspect, …), plus `cleanup`,
// the monitor's exit command for --rm containers, `cp-helper` (cp of a stopped container), and `prune`.
import { printErr } from "../../common/output.ts";
import { UserError } from "../../common/errors.ts";
import { confirm } from "../../common/confirm.ts";
import { pruneFilter } from "../../common/filters.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { cleanupContainer, removeContainer } from "../../engine/ops.ts";

export const summary = "Manage containers";

const ALIASES: Record<string, string> = { ls: "ps", list: "ps", remove: "rm" };
type Sub = () => Promise<{ run(a: string[]): Promise<number> }>;
const SUBS: Record<string, Sub> = {
  create: () => import("./create.ts"), exec: () => import("./exec.ts"), inspect: () => import("./inspect.ts"),
  kill: () => import("./kill.ts"), logs: () => import("./logs.ts"), pause: () => import("./pause.ts"),
  ps: () => import("./ps.ts"), rename: () => import("./rename.ts"), restart: () => import("./restart.ts"),
  rm: () => import("./rm.ts"), run: () => import("./run.ts"), start: () => import("./start.ts"), stop: () => import("./stop.ts"),
  unpause: () => import("./unpause.ts"), wait: () => import("./wait.ts"), attach: () => import("./attach.ts"),
  top: () => import("./top.ts"), stats: () => import("./stats.ts"), cp: () => import("./cp.ts"), port: () => import("./port.ts"),
};

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "cleanup") {
    const { values: v, positionals } = parse(rest, {}, "container cleanup");
    const e = openEngine(v);
    for (const id of positionals) await cleanupContainer(e, id);
    return 0;
  }
  if (sub === "cp-helper") {
    // `cp` of a stopped container, run by the engine under `unshare --mount` (src/engine/cp/stopped.ts).
    // --stat PATH: print what PATH is in the container (a cp destination), instead of running tar.
    const { values: v, positionals } = parse(rest, { "follow-link": { type: "boolean" }, stat: { type: "string" } }, "container cp-helper");
    const { execTarInStoppedContainer, printStatInStoppedContainer } = await import("../../engine/cp/stopped.ts");
    if (v.stat !== undefined) return printStatInStoppedContainer(openEngine(v), positionals[0]!, v.stat as string), 0;
    execTarInStoppedContainer(openEngine(v), positionals[0]!, positionals.slice(1), !!v["follow-link"]);
  }
  if (sub === "prune") return prune(rest);
  const name = ALIASES[sub ?? ""] ?? sub;
  const load = name ? SUBS[name] : undefined;
  if (!load) throw new UserError(`'container ${sub ?? ""}' is not a nsbox command. Commands: ls, ${Object.keys(SUBS).join(", ")}, cleanup, prune`, 1);
  return (await load()).run(rest);
}

/** docker's `container prune [-f] [--filter label=…|label!=…|until=…]`: stopped containers only. */
async function prune(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { force: { type: "boolean", short: "f" }, filter: { type: "string", multiple: true } }, "container prune");
  if (v.help) return console.log(usage("container prune [OPTIONS]", "Remove all stopped containers", ["    --filter filter   label=K[=V], label!=K[=V], until=TIMESTAMP|DURATION", "-f, --force           do not prompt for confirmation"])), 0;
  if (positionals.length) throw new UserError(`"container prune" accepts no arguments.`, 1);
  const selected = pruneFilter((v.filter as string[] | undefined) ?? []);
  // docker cancels silently with exit 0 ("container prune has been cancelled" is a Cancelled error).
  if (!v.force && !confirm("WARNING! This will remove all stopped containers.\nAre you sure you want to continue?")) return 0;
  const e = openEngine(v);
  const gone: string[] = [];
  for (const c of e.list(true)) {
    if (!(c.State.Status === "exited" || c.State.Status === "created") || !selected(c.Config.Labels, c.Created)) continue;
    try {
      await removeContainer(e, c.Id, false);
      gone.push(c.Id);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: ${err.message}`); // e.g. an owner whose dependents remain
    }
  }
  if (gone.length) console.log(["Deleted Containers:", ...gone, ""].join("\n"));
  console.log("Total reclaimed space: 0B");
  return 0;
}
