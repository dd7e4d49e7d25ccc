// `nsbox-runtime`: an OCI runtime with runc's command line. Global flags come before the
// command; each command's module is imported only when used (start-up time is our performance:
// --version and help load nothing more; no verb loads node:fs, ~1 ms: docs/performance.md).
import pkg from "../../package.json" with { type: "json" };
import { UserError } from "../common/errors.ts";
import { parseFlags } from "../common/flags.ts";
import { printErr } from "../common/output.ts";
import { appendFileSync } from "../linux/fs.ts";
import { tellDone } from "../common/done-fd.ts";
import { trace, traceNodeFsAtExit } from "../common/trace.ts";
import { DEFAULT_ROOT, OCI_VERSION } from "./constants.ts";
import type { StateStore } from "./state.ts";
trace("main loaded");

export interface GlobalOptions {
  store: StateStore;
  debug: boolean;
}
type Command = (argv: string[], g: GlobalOptions) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  create: () => import("./cli/lifecycle.ts").then((m) => m.createCommand),
  start: () => import("./cli/lifecycle.ts").then((m) => m.startCommand),
  run: () => import("./cli/lifecycle.ts").then((m) => m.runCommand),
  kill: () => import("./cli/lifecycle.ts").then((m) => m.killCommand),
  delete: () => import("./cli/lifecycle.ts").then((m) => m.deleteCommand),
  state: () => import("./cli/lifecycle.ts").then((m) => m.stateCommand),
  exec: () => import("./cli/exec.ts").then((m) => m.execCommand),
  list: () => import("./cli/info.ts").then((m) => m.listCommand),
  ps: () => import("./cli/info.ts").then((m) => m.psCommand),
  spec: () => import("./cli/info.ts").then((m) => m.specCommand),
  features: () => import("./cli/info.ts").then((m) => m.featuresCommand),
  pause: () => import("./cli/cgroup-ops.ts").then((m) => m.pauseCommand),
  resume: () => import("./cli/cgroup-ops.ts").then((m) => m.resumeCommand),
  update: () => import("./cli/cgroup-ops.ts").then((m) => m.updateCommand),
  events: () => import("./cli/cgroup-ops.ts").then((m) => m.eventsCommand),
};

const usage = (defaultRoot: string) => `Usage: nsbox-runtime [global options] COMMAND [options] [ID] [args...]

An OCI runtime (runc's command line). Commands:
  create   create a container (it waits for start)     start    run the created container's process
  run      create and start a container                state    print a container's OCI state
  kill     send a signal to a container                delete   delete a container
  exec     run a process in a running container        list     list containers
  ps       list a container's processes                spec     write a default config.json
  features print what this runtime supports           pause    freeze a container's processes
  resume   thaw a paused container                      update   change a container's cgroup resources
  events   resource stats and OOM events (--stats: once)

Global options:
  --root DIR          state directory (default ${defaultRoot})
  --log FILE          append errors and debug messages to FILE
  --log-format FMT    text or json (default text)
  --debug             debug messages
  --systemd-cgroup    accepted for compatibility; cgroupfs paths are used
  --version, -v       print the version`;

let logFile: string | undefined;
let logFormat = "text";

function log(level: string, msg: string): void {
  if (!logFile) return;
  const time = new Date().toISOString();
  const line = logFormat === "json" ? JSON.stringify({ level, msg, time }) : `time="${time}" level=${level} msg="${msg.replace(/"/g, '\\"')}"`;
  try {
    appendFileSync(logFile, line + "\n");
  } catch {}
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      root: { type: "string" }, log: { type: "string" }, "log-format": { type: "string" },
      debug: { type: "boolean" }, "systemd-cgroup": { type: "boolean" }, rootless: { type: "string" },
      criu: { type: "string" }, version: { type: "boolean", short: "v" }, help: { type: "boolean", short: "h" },
    },
    "", // global options: the "nsbox-runtime: " prefix is the program's, added once by the catch below
  );
  logFile = values.log as string | undefined;
  logFormat = (values["log-format"] as string) ?? "text";
  if (logFormat !== "text" && logFormat !== "json") throw new UserError(`--log-format: "${logFormat}" is not text or json`);
  if (values.version) {
    console.log(`nsbox-runtime version ${pkg.version}\nspec: ${OCI_VERSION}`);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (!name || values.help || name === "help") {
    console.log(usage(DEFAULT_ROOT));
    return name || values.help ? 0 : 1;
  }
  const load = commands[name];
  if (!load) throw new UserError(`unknown command "${name}" (see nsbox-runtime --help)`);
  const [{ StateStore }, cmd] = await Promise.all([import("./state.ts"), load()]);
  const store = new StateStore((values.root as string) ?? DEFAULT_ROOT);
  trace(`${name} loaded`);
  return cmd(rest, { store, debug: !!values.debug });
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  const msg = err instanceof UserError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  printErr(`nsbox-runtime: ${msg}`);
  log("error", msg);
  code = err instanceof UserError ? err.exitCode : 1;
}
trace("exit");
traceNodeFsAtExit();
// Started by bin/nsbox-runtime, the C front end (done-fd.ts): it returns now, while we exit.
tellDone(code, true);
process.exit(code);
