// create, start, run, kill, delete, state: argument handling over ../operations.ts (the light
// verbs) and ../lifecycle.ts (create and run, loaded only by them: see operations.ts).
import { UserError } from "../../common/errors.ts";
import { parseFlags, type ParsedFlags } from "../../common/flags.ts";
import { parseSignal } from "../../linux/signals.ts";
import type { CreateOptions } from "../lifecycle.ts";
import { containerStatus, kill, remove, start } from "../operations.ts";
import type { GlobalOptions } from "../main.ts";
import { preservedFds } from "./preserve-fds.ts";

const CREATE_FLAGS = {
  bundle: { type: "string", short: "b" },
  "pid-file": { type: "string" },
  "console-socket": { type: "string" },
  "no-pivot": { type: "boolean" },
  "no-new-keyring": { type: "boolean" },
  "preserve-fds": { type: "string" },
} as const;

function oneId(positionals: string[], verb: string): string {
  if (positionals.length !== 1) throw new UserError(`${verb}: expected exactly one container id, got ${positionals.length}`);
  return positionals[0]!;
}

/** The options create and run share, from their parsed flags. */
function createOptions(v: ParsedFlags["values"], positionals: string[], verb: string): CreateOptions {
  const id = oneId(positionals, verb);
  return {
    id,
    bundle: v.bundle as string | undefined,
    pidFile: v["pid-file"] as string | undefined,
    consoleSocket: v["console-socket"] as string | undefined,
    noPivot: !!v["no-pivot"],
    noNewKeyring: !!v["no-new-keyring"],
    passFds: preservedFds(v["preserve-fds"] as string | undefined, `${verb} ${id}`),
  };
}

export async function createCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, CREATE_FLAGS, "create");
  const { create } = await import("../lifecycle.ts");
  await create(g.store, { ...createOptions(v, positionals, "create"), laterVerbs: true });
  return 0;
}

export async function startCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { positionals } = parseFlags(argv, {}, "start");
  await start(g.store, oneId(positionals, "start"));
  return 0;
}

export async function runCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(
    argv,
    { ...CREATE_FLAGS, detach: { type: "boolean", short: "d" }, keep: { type: "boolean" } },
    "run",
  );
  const { run } = await import("../lifecycle.ts");
  return run(g.store, { ...createOptions(v, positionals, "run"), detach: !!v.detach, keep: !!v.keep });
}

export async function killCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, { all: { type: "boolean", short: "a" } }, "kill");
  if (positionals.length < 1 || positionals.length > 2) throw new UserError("kill: usage: kill [--all] ID [SIGNAL]");
  // The default as a number: a name would load node:os (~0.3 ms) to look it up (signals.ts).
  kill(g.store, positionals[0]!, positionals[1] === undefined ? 15 /* SIGTERM */ : parseSignal(positionals[1]), !!v.all);
  return 0;
}

export async function deleteCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, { force: { type: "boolean", short: "f" } }, "delete");
  if (!positionals.length) throw new UserError("delete: expected a container id");
  for (const id of positionals) await remove(g.store, id, !!v.force);
  return 0;
}

export async function stateCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { positionals } = parseFlags(argv, {}, "state");
  const rec = g.store.load(oneId(positionals, "state"));
  const state = g.store.ociState(rec, containerStatus(g.store, rec));
  console.log(JSON.stringify({ ...state, rootfs: rec.rootfs, created: rec.created, owner: rec.owner }, null, 2));
  return 0;
}
