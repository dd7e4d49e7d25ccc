// Starting native/monitor (one per container) and following its sync socket (fd 3):
//   monitor PID -> created PID (the runtime's create succeeded) -> we send "s" -> ready
// or, at any point, "error monitor\tSTEP\tMESSAGE\tERRNO" (the launcher's contract, see
// native/common/report.h). If we go away before sending "s", the monitor deletes the container.
import { readSync, writeSync } from "node:fs";
import { LaunchError } from "../linux/launcher.ts";
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
  /** Bring up lo in the container's new network namespace (--net none). */
  loopback?: boolean;
  /** The pty's size from the start ([rows, cols], docker's ConsoleSize). */
  consoleSize?: [number, number];
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
  if (a.exitCommand?.length) argv.push("--", ...a.exitCommand);
  return argv;
}

/** Line reader over the non-blocking socket Bun gives us; waits with short async sleeps. */
class SyncReader {
  private buffered = "";
  private eof = false;
  constructor(private fd: number) {}
  async line(): Promise<string | undefined> {
    const buf = Buffer.alloc(1024);
    for (let delay = 0.2; ; delay = Math.min(delay * 2, 1)) {
      const nl = this.buffered.indexOf("\n");
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        return line;
      }
      if (this.eof) return undefined;
      try {
        const n = readSync(this.fd, buf);
        if (n === 0) this.eof = true;
        else {
          this.buffered += buf.toString("utf8", 0, n);
          delay = 0.1;
        }
        continue;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ECONNRESET") this.eof = true;
        else if (code !== "EAGAIN") throw err;
      }
      await Bun.sleep(delay);
    }
  }
}

function toError(line: string | undefined, what: string): Error {
  if (line?.startsWith("error ")) {
    const [stage, step, path, errno] = line.slice(6).split("\t");
    return new LaunchError(stage ?? "monitor", step ?? "", path ?? "", Number(errno ?? 0));
  }
  return new LaunchError("monitor", what, line === undefined ? "the monitor exited without reporting" : `unexpected "${line}"`, 0);
}

export interface Monitor {
  monitorPid: number;
  pid: number;
  /** Lets the container's process run (the runtime's start); resolves at "ready". */
  start(): Promise<void>;
  /** Abandons a created container: the monitor deletes it and exits. */
  abort(): void;
}

export async function spawnMonitor(a: MonitorArgs): Promise<Monitor> {
  const proc = Bun.spawn(monitorArgv(a), { stdio: ["ignore", "ignore", "inherit", "pipe"] });
  const fd = proc.stdio[3] as unknown as number;
  const reader = new SyncReader(fd);
  let monitorPid = 0;
  let line = await reader.line();
  if (line?.startsWith("monitor ")) {
    monitorPid = Number(line.slice(8));
    line = await reader.line();
  }
  if (!line?.startsWith("created ")) {
    await proc.exited;
    throw toError(line, "create");
  }
  const pid = Number(line.slice(8));
  return {
    monitorPid,
    pid,
    async start() {
      writeSync(fd, "s");
      const l = await reader.line();
      if (l !== "ready") throw toError(l, "start");
    },
    abort() {
      try {
        proc.kill("SIGKILL");
      } catch {}
      // Closing our end is what the monitor waits for.
      try {
        require("node:fs").closeSync(fd);
      } catch {}
    },
  };
}
