// Turning a launcher failure into the one line a user reads:
//   nsbox-runtime: create c1: mount proc on /proc: Operation not permitted
import { UserError } from "../common/errors.ts";
import { LaunchError } from "../linux/launcher.ts";
import { printErr } from "../common/output.ts";

const EXDEV = 18;

export function describeFailure(verb: string, id: string, err: unknown): Error {
  if (err instanceof LaunchError) {
    let msg = err.message;
    if (err.errno === EXDEV) msg = `${err.step} ${err.path}: escapes the container's rootfs`;
    else if (err.step.startsWith("exec: executable file not found")) msg = `exec: "${err.path}": executable file not found in $PATH`;
    // exec failures as shells report them: 126 found but not runnable, 127 not found.
    const code = !err.step.startsWith("exec") ? 1 : err.errno === 13 /* EACCES */ || err.errno === 21 /* EISDIR */ ? 126 : 127;
    return new UserError(`${verb} ${id}: ${msg}`, code);
  }
  if (err instanceof UserError) return new UserError(`${verb} ${id}: ${err.message}`, err.exitCode);
  return err instanceof Error ? err : new Error(String(err));
}

/** What was accepted but not carried out (dropped capabilities, skipped mounts), one line each. */
export function printWarnings(notes: string[]): void {
  for (const note of notes) printErr(`nsbox-runtime: warning: ${note}`);
}
