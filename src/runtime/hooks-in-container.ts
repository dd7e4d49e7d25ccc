// createContainer hooks: run in the container's namespaces (joined through /proc/PID/ns) while
// the container waits before pivot_root, so their paths still resolve on the host's filesystem.
import { UserError } from "../common/errors.ts";
import { launch, LaunchError } from "../linux/launcher.ts";
import { containerJoins } from "../oci/compile.ts";
import type { Hook, Spec, State } from "../oci/spec.ts";

export async function runCreateContainerHooks(hooks: Hook[] | undefined, state: State, spec: Spec): Promise<void> {
  for (const hook of hooks ?? []) {
    const [, ...rest] = hook.args?.length ? hook.args : [hook.path];
    let code: number;
    try {
      const launched = await launch(
        { args: [hook.path, ...rest], env: hook.env ?? [], foreground: true, join: containerJoins(spec, state.pid!) },
        { stdio: [Buffer.from(JSON.stringify(state)), "inherit", "inherit"] },
      );
      let timer: Timer | undefined;
      if (hook.timeout) timer = setTimeout(() => launched.signal("SIGKILL"), hook.timeout * 1000);
      code = await launched.exited;
      clearTimeout(timer);
    } catch (err) {
      if (err instanceof LaunchError) throw new UserError(`createContainer hook ${hook.path}: ${err.message}`);
      throw err;
    }
    if (code !== 0) throw new UserError(`createContainer hook ${hook.path}: exited with status ${code}`);
  }
}
