// `nsbox`: the engine's command line. Each command lives in its own module under commands/ and is
// imported only when used, so `nsbox X` pays start-up only for X.
import pkg from "../../package.json" with { type: "json" };
import { runMain, UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
trace("main");

type Command = { run(argv: string[]): Promise<number>; summary: string };
const commands: Record<string, () => Promise<Command>> = {
  // Namespace toolkit (issue 4)
  unshare: () => import("./commands/unshare.ts"),
  nsenter: () => import("./commands/nsenter.ts"),
  ns: () => import("./commands/ns.ts"),
  // Images (issue 5)
  images: () => import("./commands/images.ts"),
  rmi: () => import("./commands/rmi.ts"),
  tag: () => import("./commands/tag.ts"),
  load: () => import("./commands/load.ts"),
  save: () => import("./commands/save.ts"),
  import: () => import("./commands/import.ts"),
  image: () => import("./commands/image.ts"),
  history: () => import("./commands/history.ts"),
  pull: () => import("./commands/pull.ts"),
  login: () => import("./commands/login.ts"),
  logout: () => import("./commands/logout.ts"),
  network: () => import("./commands/network.ts"), // Networking (issue 7)
  // Engine (issue 6)
  run: () => import("./commands/run.ts"),
  create: () => import("./commands/create.ts"),
  start: () => import("./commands/start.ts"),
  stop: () => import("./commands/stop.ts"),
  restart: () => import("./commands/restart.ts"),
  kill: () => import("./commands/kill.ts"),
  rm: () => import("./commands/rm.ts"),
  ps: () => import("./commands/ps.ts"),
  inspect: () => import("./commands/inspect.ts"),
  logs: () => import("./commands/logs.ts"),
  exec: () => import("./commands/exec.ts"),
  wait: () => import("./commands/wait.ts"),
  rename: () => import("./commands/rename.ts"),
  pause: () => import("./commands/pause.ts"),
  unpause: () => import("./commands/unpause.ts"),
  container: () => import("./commands/container.ts"),
  attach: () => import("./commands/attach.ts"),
  top: () => import("./commands/top.ts"),
  stats: () => import("./commands/stats.ts"),
  cp: () => import("./commands/cp.ts"),
  port: () => import("./commands/port.ts"),
  system: () => import("./commands/system.ts"),
  volume: () => import("./commands/volume.ts"), // Volumes
};

async function usage(): Promise<string> {
  const { SUMMARIES } = await import("./summaries.ts");
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((c) => c.length)) + 3;
  return [
    "Usage:  nsbox [--root DIR] COMMAND [OPTIONS]",
    "",
    "Containers, images, networks and namespaces, daemonless (docker's command line)",
    "",
    "Commands:",
    ...names.map((c) => `  ${c.padEnd(width)}${SUMMARIES[c] ?? ""}`.trimEnd()),
    "",
    "Options:",
    "      --root DIR  State root (default $NSBOX_ROOT or /var/lib/nsbox); also accepted after the command",
    "  -v, --version   Print version information and quit",
    "",
    "Run 'nsbox COMMAND --help' for more information on a command.",
  ].join("\n");
}

/**
 * Global flags before the command, as podman takes them (`nsbox --root X ps`): only --root, which
 * every command also takes after its name. It sets $NSBOX_ROOT, which the engine, image store and
 * networking read when no --root follows the command, and which our children (the monitor's
 * exit command, cp's helper) inherit.
 */
function globalFlags(argv: string[]): string[] {
  for (;;) {
    const a = argv[0];
    if (a === "--root") {
      if (argv.length < 2 || !argv[1]) throw new UserError("flag needs an argument: --root", 125);
      process.env.NSBOX_ROOT = argv[1];
      argv = argv.slice(2);
    } else if (a?.startsWith("--root=")) {
      if (a.length === 7) throw new UserError("flag needs an argument: --root", 125);
      process.env.NSBOX_ROOT = a.slice(7);
      argv = argv.slice(1);
    } else return argv;
  }
}

runMain("nsbox", async () => {
  const [name, ...rest] = globalFlags(process.argv.slice(2));
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(await usage());
    return name ? 0 : 1;
  }
  if (name === "--version" || name === "-v") {
    console.log(`nsbox version ${pkg.version}`);
    return 0;
  }
  // Not listed by --help: the C front end's helper for `nsenter -t NAME` (native/nsbox/bun_cli.c).
  if (name === "__ns-target") return (await import("./commands/ns-target.ts")).run(rest);
  const load = commands[name];
  if (!load) {
    if (name.startsWith("-")) throw new UserError(`unknown flag: ${name} (the only global flag is --root DIR; a command's flags go after it). See 'nsbox --help'`, 125);
    throw new UserError(`'${name}' is not a nsbox command. See 'nsbox --help'`, 125);
  }
  const cmd = await load();
  return cmd.run(rest);
});
