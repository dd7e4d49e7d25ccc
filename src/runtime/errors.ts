// Turning a launcher failure into the one line a user reads:
//   nsbox-runtime: create c1: mount proc on /proc: Operation not permitted
import { UserError } from "../common/errors.ts";
import { LaunchError } from "../linux/launcher.ts";
import { printErr } from "../common/output.ts";

const EXDEV = 18;

/**
 * A runtime operation's failure as runc words it, "VERB ID: DETAIL". The parts stay apart so a
 * caller with its own wording takes `detail` (the engine's docker-style "exec failed: DETAIL").
 */
export class OperationError extends UserError {
  constructor(readonly verb: string, readonly id: string, readonly detail: string, exitCode = 1) {
    super(`${verb} ${id}: ${detail}`, exitCode);
    this.name = "OperationError";
  }
}

export function describeFailure(verb: string, id: string, err: unknown): Error {
  if (err instanceof LaunchError) {
    let msg = err.message;
    if (err.errno === EXDEV) msg = `${err.step} ${err.path}: escapes the container's rootfs`;
    else if (err.step.startsWith("exec: executable file not found")) msg = `exec: "${err.path}": executable file not found in $PATH`;
    // exec failures as shells report them: 126 found but not runnable, 127 not found.
    const code = !err.step.startsWith("exec") ? 1 : err.errno === 13 /* EACCES */ || err.errno === 21 /* EISDIR */ ? 126 : 127;
    return new OperationError(verb, id, msg, code);
  }
  if (err instanceof UserError) return new OperationError(verb, id, err.message, err.exitCode);
  return err instanceof Error ? err : new Error(String(err));
}

/** What was accepted but not carried out (dropped capabilities, skipped mounts), one line each. */
export function printWarnings(notes: string[]): void {
  for (const note of notes) printErr(`nsbox-runtime: warning: ${note}`);
}
