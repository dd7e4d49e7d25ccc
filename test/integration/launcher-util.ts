// Helpers for the launcher's integration tests: run a plan through launch() in a helper process
// whose launcher is a wrapper script (a caller that leaks fds, ignores signals, has groups...).
import { chmodSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LAUNCHER_PATH } from "../../src/linux/launcher.ts";
import { CLONE } from "../../src/linux/plan-ids.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";

export const ROOTFS = join(import.meta.dir, "../../build/rootfs/busybox");

/** `args` in the busybox rootfs, read-only, in new mount and PID namespaces, in the foreground. */
export function busyboxPlan(args: string[], extra: Partial<LaunchPlan> = {}): LaunchPlan {
  return { args, env: ["PATH=/bin"], foreground: true, newNamespaces: CLONE.NEWNS | CLONE.NEWPID, rootfs: ROOTFS, rootReadonly: true, cwd: "/", ...extra };
}

const HELPER = join(import.meta.dir, "../helpers/launch-plan.ts");
let count = 0;

/** Runs `plan` through launch() in test/helpers/launch-plan.ts with NSBOX_LAUNCHER set to a
 * script (written in `dir`) whose body is `wrapper` and ends by exec'ing "$LAUNCHER". */
export function runWrapped(dir: string, plan: LaunchPlan, wrapper = 'exec "$LAUNCHER"') {
  const script = join(dir, `launcher-wrapper-${++count}.sh`);
  writeFileSync(script, `#!/bin/sh\nLAUNCHER=${realpathSync(LAUNCHER_PATH)}\n${wrapper}\n`);
  chmodSync(script, 0o755);
  const p = Bun.spawnSync([process.execPath, HELPER, JSON.stringify(plan)], {
    env: { ...process.env, NSBOX_LAUNCHER: script },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString().replace(/^pid \d+\n/, "") };
}
