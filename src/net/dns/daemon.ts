// Starting and stopping the per-network resolver processes (server.ts). A pid file holds
// "PID STARTTIME" so a recycled PID is never mistaken for (or killed as) our resolver.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { isAlive, waitGone } from "../../linux/proc.ts";
import { UserError } from "../../common/errors.ts";
import { spawnCount } from "../exec.ts";

const serverScript = new URL("./server.ts", import.meta.url).pathname;

/** How to start server.ts: from source with bun, or, inside the compiled `nsbox` binary (where
 * no .ts file exists on disk), as the binary's hidden `network __dns-serve` command. */
function serverArgv(args: string[]): string[] {
  return existsSync(serverScript) ? [process.execPath, serverScript, ...args] : [process.execPath, "network", "__dns-serve", ...args];
}

function pidFile(netDir: string, networkId: string): string {
  return `${netDir}/dns/${networkId}.pid`;
}

function readPidFile(netDir: string, networkId: string): [number, number] | undefined {
  try {
    const [pid, start] = readFileSync(pidFile(netDir, networkId), "utf8").trim().split(" ").map(Number);
    return pid && isAlive(pid, start) ? [pid, start!] : undefined;
  } catch {
    return undefined;
  }
}

export function resolverPid(netDir: string, networkId: string): number | undefined {
  return readPidFile(netDir, networkId)?.[0];
}

/** Network ids that have a resolver pid file (running or not). */
export function resolverIds(netDir: string): string[] {
  try {
    return readdirSync(`${netDir}/dns`).filter((f) => f.endsWith(".pid")).map((f) => f.slice(0, -4));
  } catch {
    return [];
  }
}

/** Starts the network's resolver unless it runs; returns once it listens. Two attaches may race
 * here: the loser's server fails to bind (address in use) and the winner's pid file appears. */
export async function ensureResolver(netDir: string, networkId: string, listenIp: string): Promise<void> {
  if (resolverPid(netDir, networkId)) return;
  mkdirSync(`${netDir}/dns`, { recursive: true });
  const log = `${netDir}/dns/${networkId}.log`; // the server's stderr: never a pipe that closes with us
  const fd = openSync(log, "a");
  spawnCount.value++;
  const proc = Bun.spawn(serverArgv([netDir, networkId, listenIp]), { stdio: ["ignore", "ignore", fd], detached: true });
  closeSync(fd);
  proc.unref();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (resolverPid(netDir, networkId)) return;
    if (proc.exitCode !== null && !/EADDRINUSE/.test(lastLine(log))) break;
    await Bun.sleep(5);
  }
  proc.kill();
  const why = lastLine(log);
  throw new UserError(`the DNS resolver for network ${networkId.slice(0, 12)} did not start on ${listenIp}:53${why ? `: ${why}` : ""}`);
}

function lastLine(path: string): string {
  try {
    return readFileSync(path, "utf8").trim().split("\n").pop() ?? "";
  } catch {
    return "";
  }
}

export async function stopResolver(netDir: string, networkId: string): Promise<void> {
  const running = readPidFile(netDir, networkId);
  if (running) {
    try {
      process.kill(running[0], "SIGTERM");
    } catch {}
    if (!(await waitGone(running[0], running[1], 2000))) process.kill(running[0], "SIGKILL");
  }
  rmSync(pidFile(netDir, networkId), { force: true });
  rmSync(`${netDir}/dns/${networkId}.log`, { force: true });
}
