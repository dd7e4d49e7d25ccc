// Shared by the container commands in src/cli/commands/: flag parsing with --root and --help,
// opening the engine, and docker's "print each argument, fail on some" loop.
import { printErr } from "../../common/output.ts";
import { UserError } from "../../common/errors.ts";
import { parseFlags, type FlagSpec } from "../../common/flags.ts";
import { Engine } from "../engine.ts";

export function parse(argv: string[], spec: FlagSpec, where: string, stopAtPositional = false) {
  const p = parseFlags(argv, { ...spec, root: { type: "string" }, help: { type: "boolean" } }, where, stopAtPositional);
  return { values: p.values as Record<string, string | boolean | string[] | undefined>, positionals: p.positionals };
}

export function openEngine(values: { root?: unknown }): Engine {
  return Engine.open({ root: values.root as string | undefined });
}

export function usage(text: string, summary: string, options: string[] = []): string {
  return [`Usage:  nsbox ${text}`, "", summary, ...(options.length ? ["", "Options:", ...options.map((o) => `  ${o}`)] : [])].join("\n");
}

/** Runs `fn` for every argument like docker's multi-container commands: errors are printed, exit 1 if any. */
export async function eachRef(refs: string[], verb: string, fn: (ref: string) => Promise<void> | void, quiet = false): Promise<number> {
  if (!refs.length) throw new UserError(`"${verb}" requires at least 1 argument.`, 1);
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      if (!quiet) console.log(ref);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: ${err.message}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

/**
 * docker's CheckTty (run, exec): a terminal in the container fed from our stdin needs our stdin to
 * be a terminal; from a pipe or a file it would never see an end of input (a pty has no EOF, only
 * ^D typed on a terminal), so `echo cmd | nsbox run -it … sh` would hang. Refused with docker's
 * line and exit 1, before anything is created. node:tty is loaded only for -i -t.
 */
export async function checkTty(attachStdin: boolean, tty: boolean): Promise<void> {
  if (!tty || !attachStdin) return;
  const { isatty } = await import("node:tty");
  if (!isatty(0)) throw new UserError("cannot attach stdin to a TTY-enabled container because stdin is not a terminal", 1);
}
