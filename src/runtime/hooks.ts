// OCI hooks run by the runtime itself, in the runtime's namespaces: prestart and createRuntime
// (during create, before pivot_root), poststart (after start) and poststop (after delete).
// createContainer hooks run in the container's namespaces through the launcher; startContainer
// hooks are run by the launcher inside the container (plan.startHooks).
import { UserError } from "../common/errors.ts";
import type { LauncherHook } from "../linux/plan.ts";
import type { Hook, State } from "../oci/spec.ts";
import { printErr } from "../common/output.ts";

export type HookKind = "prestart" | "createRuntime" | "createContainer" | "startContainer" | "poststart" | "poststop";

/** Runs one hook with the state JSON on stdin; throws UserError naming it when it fails. */
export async function runHook(kind: HookKind, hook: Hook, state: State): Promise<void> {
  const [argv0, ...rest] = hook.args?.length ? hook.args : [hook.path];
  let proc;
  try {
    proc = Bun.spawn([hook.path, ...rest], {
      argv0,
      env: Object.fromEntries((hook.env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
      stdin: Buffer.from(JSON.stringify(state)),
      stdout: "inherit",
      stderr: "inherit",
      timeout: hook.timeout ? hook.timeout * 1000 : undefined,
      killSignal: "SIGKILL",
    });
  } catch (err) {
    throw new UserError(`${kind} hook ${hook.path}: ${(err as Error).message}`);
  }
  const code = await proc.exited;
  if (proc.signalCode === "SIGKILL" && hook.timeout) throw new UserError(`${kind} hook ${hook.path}: timed out after ${hook.timeout}s`);
  if (code !== 0) throw new UserError(`${kind} hook ${hook.path}: exited with status ${code}`);
}

/** Runs hooks in order; the first failure stops them (create-time hooks abort the operation). */
export async function runHooks(kind: HookKind, hooks: Hook[] | undefined, state: State): Promise<void> {
  for (const hook of hooks ?? []) await runHook(kind, hook, state);
}

/** poststart and poststop: a failure is a warning and the others still run (runtime-spec). */
export async function runHooksWarnOnly(kind: HookKind, hooks: Hook[] | undefined, state: State): Promise<void> {
  for (const hook of hooks ?? []) {
    try {
      await runHook(kind, hook, state);
    } catch (err) {
      printErr(`nsbox-runtime: warning: ${(err as Error).message}`);
    }
  }
}

/** startContainer hooks for the launcher, with the state they receive. */
export function launcherHooks(hooks: Hook[] | undefined, state: State): LauncherHook[] {
  return (hooks ?? []).map((h) => ({ path: h.path, args: h.args, env: h.env, timeout: h.timeout, stdin: JSON.stringify(state) }));
}
