// `nsbox run`: create + start (+ attach, wait, remove), docker's flags and exit codes.
import { checkTty, openEngine, usage } from "../../engine/cli/common.ts";
import { removeContainer } from "../../engine/ops.ts";
import { CidFile } from "../../engine/cli/cidfile.ts";
import { parseRunArgs, RUN_FLAGS } from "../../engine/run-options.ts";
import { startContainer } from "../../engine/start.ts";
import type { Engine } from "../../engine/engine.ts";
import { quickExit } from "../../common/quick-exit.ts";

export const summary = "Create and run a new container from an image";

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === "--help") {
    console.log(usage("run [OPTIONS] IMAGE [COMMAND] [ARG...]", summary, Object.keys(RUN_FLAGS).map((f) => `--${f}`)));
    return 0;
  }
  const o = parseRunArgs(argv, "run");
  if (!o.detach) await checkTty(!!o.request.Config.OpenStdin, !!o.request.Config.Tty);
  const e = openEngine({ root: o.root });
  const cid = CidFile.open(o.request.HostConfig?.ContainerIDFile);
  let Id: string;
  try {
    ({ Id } = await e.create(o.request));
    cid.write(Id);
  } finally {
    cid.close();
  }
  const auto = !!o.request.HostConfig?.AutoRemove;
  if (o.detach) {
    try {
      await startContainer(e, Id);
    } catch (err) {
      if (auto) await removeContainer(e, Id, true).catch(() => {});
      throw err;
    }
    console.log(Id);
    return end(e, 0);
  }
  let code: number;
  try {
    // Loaded here: attaching needs node:net (~2.5 ms of start-up), which `run -d` does not.
    const { runAttached } = await import("../../engine/cli/foreground.ts");
    code = await runAttached(e, Id, { stdin: !!o.request.Config.OpenStdin, tty: !!o.request.Config.Tty, sigProxy: o.sigProxy, detachKeys: o.detachKeys });
  } catch (err) {
    if (auto) await removeContainer(e, Id, true).catch(() => {});
    throw err;
  }
  // --rm: the monitor's exit command removes it; like docker, return once it is gone.
  for (let i = 0; auto && i < 500 && e.db.get(Id); i++) await Bun.sleep(10);
  return end(e, code);
}

/**
 * The container is started (-d) or has exited and, with --rm, is removed: its record is committed.
 * We close the stores (but the containers database: Engine.closeForExit) and end with _exit, not
 * through Bun's teardown (~1.1 ms; src/common/quick-exit.ts). Not after a pull: its progress went
 * through process.stderr, a Node stream that may still hold output.
 */
function end(e: Engine, code: number): number {
  if (e.streamedOutput) return code;
  e.closeForExit();
  quickExit(code);
}
