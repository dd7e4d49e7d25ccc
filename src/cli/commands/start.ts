// `nsbox start [-a] [-i] CONTAINER...`
import { UserError } from "../../common/errors.ts";
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { runAttached } from "../../engine/cli/foreground.ts";
import { parseDetachKeys } from "../../engine/detach-keys.ts";
import { startContainer } from "../../engine/start.ts";

export const summary = "Start one or more stopped containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { attach: { type: "boolean", short: "a" }, interactive: { type: "boolean", short: "i" }, "detach-keys": { type: "string" } }, "start");
  if (v.help) return console.log(usage("start [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-a, --attach", "-i, --interactive", "--detach-keys string   e.g. ctrl-a,x (default ctrl-p,ctrl-q)"])), 0;
  const detachKeys = parseDetachKeys(v["detach-keys"] as string | undefined);
  const e = openEngine(v);
  if (v.attach || v.interactive) {
    if (positionals.length !== 1) throw new UserError("you cannot start and attach multiple containers at once", 1);
    const r = e.row(positionals[0]!);
    // As docker's start (start.go): the signals we receive are forwarded only to a container
    // without a terminal; with one, ^C and friends reach it through its pty.
    return runAttached(e, r.id, { stdin: !!v.interactive && r.doc.Config.OpenStdin, tty: r.doc.Config.Tty, sigProxy: !r.doc.Config.Tty, detachKeys });
  }
  return eachRef(positionals, "start", (ref) => startContainer(e, ref));
}
