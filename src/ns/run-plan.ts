// Runs an unshare/nsenter plan in the foreground through the C launcher and turns launcher
// failures into util-linux's messages and exit codes (126/127 for exec failures, 1 otherwise).
import { UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
import { launch, LaunchError } from "../linux/launcher.ts";
import type { LaunchPlan } from "../linux/plan.ts";

// Only with persisted namespace files (it reads mountinfo through node:fs, ~1 ms to load).
const persistCleanup = () => require("./persist-cleanup.ts") as typeof import("./persist-cleanup.ts");

/** The user-facing line for a launcher failure (pure). */
export function describeFailure(err: LaunchError, plan: LaunchPlan): UserError {
  const text = LaunchError.describe("", "", err.errno).replace(/^: /, "") || err.path;
  const step = err.step;
  if (step === "exec" || step.startsWith("exec:")) {
    // util-linux: 127 when the program does not exist, 126 when it cannot be executed.
    return new UserError(`failed to execute ${plan.args[0]}: ${text}`, err.code === "ENOENT" ? 127 : 126);
  }
  if (step === "open namespace") {
    if (err.code === "ENOENT" && /^\/proc\/\d+\//.test(err.path)) return new UserError(`cannot open ${err.path}: ${text} (process gone?)`);
    return new UserError(`cannot open ${err.path}: ${text}`);
  }
  if (step === "setns") {
    const why = err.code === "EINVAL" ? "not a namespace file of that type, or not allowed to enter it" : text;
    return new UserError(`reassociate to namespace ${err.path} failed: ${why}`);
  }
  if (step === "bind namespace") return new UserError(`cannot persist a namespace on ${err.path}: ${text}`);
  if (step === "unshare") return new UserError(`unshare failed: ${text}`);
  if (step === "write" && /_map$|setgroups$/.test(err.path)) return new UserError(`cannot write ${err.path.replace(/^\/proc\/\d+/, "/proc/PID")}: ${text}`);
  return new UserError(err.message);
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** Launches the plan, waits for the program, returns its exit status (128 + signal if killed). */
export async function runForeground(plan: LaunchPlan): Promise<number> {
  // Signals from the terminal reach the whole process group (us, the launcher, the program): we
  // must outlive the program to report its status. Signals sent to us alone are passed on.
  let child = 0;
  const forward = (sig: NodeJS.Signals) => {
    if (child) try { process.kill(child, sig); } catch {}
  };
  for (const s of FORWARDED) process.on(s, forward);
  const before = plan.persist?.map((p) => persistCleanup().nsfsMountCount(p.path)) ?? [];
  try {
    const launched = await launch(plan);
    trace("launched");
    child = launched.pid;
    const status = await launched.exited;
    trace("exited");
    return status;
  } catch (err) {
    // A failure after the namespace files were bind-mounted must not leave them mounted.
    if (plan.persist) persistCleanup().unmountPersisted(plan.persist.map((p) => p.path), before);
    if (err instanceof LaunchError) throw describeFailure(err, plan);
    throw err;
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
  }
}
