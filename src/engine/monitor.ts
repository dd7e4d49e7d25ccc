// Starting native/monitor (one per container) and following its sync socket (fd 3):
//   monitor PID -> created PID (the container exists) -> we send "s" -> ready
// or, at any point, "error monitor\tSTEP\tMESSAGE\tERRNO" (the launcher's contract, see
// native/common/report.h). If we go away before sending "s", the monitor deletes the container.
// With `launcher` (the nsbox runtime, src/engine/runtime-inline.ts) the monitor starts the
// launcher on the plan socket we pass as its fd 4, says "launcher STATUS" once it has exited, and
// waits for our "pid N" before its "created".
import { closeSync, writeSync } from "node:fs";
import { pollReadable, socketpair } from "../linux/libc.ts";
import { LaunchError, lines } from "../linux/launcher.ts";
import { MONITOR_PATH } from "./paths.ts";

export interface MonitorArgs {
  id: string;
  dir: string;
  bundle: string;
  socket: string;
  log: string;
  logMax: number;
  runtime: string;
  runtimeArgs: string[];
  terminal: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  restart: string;
  oomFile?: string;
  exitCommand?: string[];
  /** nsbox-runtime only: its exec fifo, which the monitor opens itself instead of running `start`. */
  startFifo?: string;
  /** Bring up lo in the container's new network namespace (--net none; nsbox-runtime does it itself). */
  loopback?: boolean;
  /** The pty's size from the start ([rows, cols], docker's ConsoleSize). */
  consoleSize?: [number, number];
  /** Where the pty master arrives (with terminal). */
  consoleSocket?: string;
  /** The first create: this launcher, on the plan socket given to startMonitor (restarts use `runtime create`). */
  launcher?: string;
  /** nsbox-runtime only: its state directory and the cgroup directories, which the monitor removes
   * itself instead of running `runtime delete --force` (native/monitor/cleanup.c). */
  runtimeState?: string;
  cgroups?: string[];
}

/** Pure: the monitor's argv. */
export function monitorArgv(a: MonitorArgs): string[] {
  const argv = [MONITOR_PATH, "--id", a.id, "--dir", a.dir, "--bundle", a.bundle, "--socket", a.socket, "--log", a.log];
  argv.push("--log-max", String(a.logMax), "--runtime", a.runtime, "--restart", a.restart);
  for (const r of a.runtimeArgs) argv.push("--runtime-arg", r);
  if (a.terminal) argv.push("--terminal");
  if (a.stdin) argv.push("--stdin");
  if (a.stdinOnce) argv.push("--stdin-once");
  if (a.oomFile) argv.push("--oom-file", a.oomFile);
  if (a.startFifo) argv.push("--start-fifo", a.startFifo);
  if (a.loopback) argv.push("--loopback");
  if (a.consoleSize?.[0] && a.consoleSize[1]) argv.push("--console-size", `${a.consoleSize[0]}x${a.consoleSize[1]}`);
  if (a.consoleSocket) argv.push("--console-socket", a.consoleSocket);
  if (a.launcher) argv.push("--launcher", a.launcher);
  if (a.runtimeState) argv.push("--runtime-state", a.runtimeState);
  for (const c of a.cgroups ?? []) argv.push("--cgroup", c);
  if (a.exitCommand?.length) argv.push("--", ...a.exitCommand);
  return argv;
}

function toError(line: string | undefined, what: string): Error {
  if (line?.startsWith("error ")) {
    const [stage, step, path, errno] = line.slice(6).split("\t");
    return new LaunchError(stage ?? "monitor", step ?? "", path ?? "", Number(errno ?? 0));
  }
  return new LaunchError("monitor", what, line === undefined ? "the monitor exited without reporting" : `unexpected "${line}"`, 0);
}

/**
 * One monitor, from its start to "ready". Our end of the sync socket is blocking and ours alone
 * (Bun's event loop never sees it: see launcher.ts); each step reads exactly the lines it needs.
 */
export class MonitorLink {
  monitorPid = 0;
  /** The container's init, from "created". */
  pid = 0;
  /** The monitor has reported an error or closed its end: it is exiting. */
  private ended = false;
  private readonly reader: Generator<string>;

  private constructor(private readonly fd: number) {
    this.reader = lines(fd);
  }

  /** Spawns the monitor; with a.launcher, `launcherSync` (the launcher's end of the plan socket) becomes its fd 4. */
  static spawn(a: MonitorArgs, launcherSync?: number): MonitorLink {
    const [ours, theirs] = socketpair();
    try {
      const extra = launcherSync === undefined ? [theirs] : [theirs, launcherSync];
      Bun.spawn(monitorArgv(a), { stdio: ["ignore", "ignore", "inherit", ...extra] });
    } catch (err) {
      closeSync(ours);
      throw err;
    } finally {
      closeSync(theirs);
    }
    return new MonitorLink(ours);
  }

  /** The launcher's exit status, from the monitor's "launcher N" (with a launcher). */
  private launcherStatus?: number;

  /** One line, noting "monitor PID", "launcher N", an error or EOF; undefined at EOF. */
  private read(): string | undefined {
    const r = this.reader.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    const [word, arg] = r.value.split(" ");
    if (word === "monitor") this.monitorPid = Number(arg);
    else if (word === "launcher") this.launcherStatus = Number(arg);
    else if (word === "error") this.ended = true;
    return r.value;
  }

  /** The next line other than "monitor PID" and "launcher N"; undefined at EOF. */
  private next(): string | undefined {
    for (;;) {
      const line = this.read();
      if (line === undefined || !/^(monitor|launcher) /.test(line)) return line;
    }
  }

  /**
   * The exit status of the launcher the monitor started, once launch() saw it fail (its error came
   * on the plan socket): waits, boundedly, for the monitor's "launcher N".
   */
  launcherExited(): number {
    while (this.launcherStatus === undefined && !this.ended && pollReadable(this.fd, 5000)) this.read();
    return this.launcherStatus ?? 1;
  }

  /** With a launcher: the container's PID, which the monitor cannot learn from the launcher itself. */
  sendPid(pid: number): void {
    writeSync(this.fd, `pid ${pid}\n`);
  }

  /** Waits for "created PID". */
  created(): number {
    const line = this.next();
    if (!line?.startsWith("created ")) {
      this.close();
      throw toError(line, "create");
    }
    return (this.pid = Number(line.slice(8)));
  }

  /** Lets the container's process run (the runtime's start); returns at "ready". */
  start(): void {
    writeSync(this.fd, "s");
    const line = this.next();
    this.close();
    if (line !== "ready") throw toError(line, "start");
  }

  /**
   * Abandons the container. kill: stop the monitor first (the caller deletes the container
   * itself); otherwise closing our end tells the monitor to delete it and exit.
   */
  abort(kill: boolean): void {
    if (kill && !this.ended) {
      if (!this.monitorPid) this.read(); // the first line it writes, at once
      try {
        if (this.monitorPid) process.kill(this.monitorPid, "SIGKILL");
      } catch {}
    }
    this.close();
  }

  private closed = false;
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {}
  }
}

export interface Monitor {
  monitorPid: number;
  pid: number;
  /** Lets the container's process run (the runtime's start); resolves at "ready". */
  start(): Promise<void>;
  /** Abandons a created container: it is deleted, and the monitor exits. */
  abort(): Promise<void>;
}

/** A monitor that runs the OCI runtime's create itself (runc, crun, a path). */
export async function spawnMonitor(a: MonitorArgs): Promise<Monitor> {
  const link = MonitorLink.spawn(a);
  const pid = link.created();
  return wrap(link, pid, false);
}

/** The Monitor API over a link whose container is created; killFirst: abort kills the monitor and runs onAbort (see MonitorLink.abort). */
export function wrap(link: MonitorLink, pid: number, killFirst: boolean, onAbort?: () => Promise<void>): Monitor {
  return {
    get monitorPid() {
      return link.monitorPid;
    },
    pid,
    async start() {
      link.start();
    },
    async abort() {
      link.abort(killFirst);
      await onAbort?.();
    },
  };
}
