// The root's resolver process (server.ts): one for all user networks of a root, listening on each
// network's gateway (a Bun process is ~34 MB; one per network would not do). Its PID and start
// time live in the store's meta table, written in the same transaction that decides to start
// it, so two attaches can never start two. It reports what it serves in dns/serving (rewritten
// atomically); a SIGHUP makes it re-read the networks.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { isAlive, readStat, waitGone } from "../../linux/proc.ts";
import { UserError } from "../../common/errors.ts";
import type { NetContext } from "../context.ts";
import { spawnCount } from "../exec.ts";

const serverScript = new URL("./server.ts", import.meta.url).pathname;
const META = "resolver";

/** How to start server.ts: from source with bun, or, inside the compiled `nsbox` binary (where
 * no .ts file exists on disk), as the binary's hidden `network __dns-serve` command. */
function serverArgv(args: string[]): string[] {
  return existsSync(serverScript) ? [process.execPath, serverScript, ...args] : [process.execPath, "network", "__dns-serve", ...args];
}

/** What server.ts writes: the networks it answers for, and why it could not listen for others. */
export interface ServingState {
  pid: number;
  generation: number; // one more per re-read of the networks
  networks: string[];
  failed: Record<string, string>;
}

export function servingFile(netDir: string): string {
  return `${netDir}/dns/serving`;
}

function readServing(netDir: string, pid: number): ServingState | undefined {
  try {
    const st = JSON.parse(readFileSync(servingFile(netDir), "utf8")) as ServingState;
    return st.pid === pid ? st : undefined;
  } catch {
    return undefined;
  }
}

/** The running resolver's PID (and start time), from the store. */
export function resolverProcess(ctx: NetContext): [number, number] | undefined {
  const [pid, start] = (ctx.store.meta(META) ?? "").split(" ").map(Number);
  return pid && isAlive(pid, start) ? [pid, start!] : undefined;
}

function logFile(ctx: NetContext): string {
  return `${ctx.dir}/dns/resolver.log`;
}

function lastLine(path: string): string {
  try {
    return readFileSync(path, "utf8").trim().split("\n").pop() ?? "";
  } catch {
    return "";
  }
}

/** Makes sure the resolver runs and answers for `networkId`; returns once it does. A SIGHUP is
 * sent only to a resolver that has written its state (before that its handler may not be in
 * place, and SIGHUP's default action would kill it), and again only after it re-read once more. */
export async function ensureResolver(ctx: NetContext, networkId: string): Promise<void> {
  const running = resolverProcess(ctx);
  if (running && readServing(ctx.dir, running[0])?.networks.includes(networkId)) return;
  const [pid] = ctx.store.tx(() => {
    const now = resolverProcess(ctx);
    if (now) return now;
    mkdirSync(`${ctx.dir}/dns`, { recursive: true });
    const fd = openSync(logFile(ctx), "a"); // its stderr: never a pipe that closes with us
    spawnCount.value++;
    const proc = Bun.spawn(serverArgv([ctx.dir]), { stdio: ["ignore", "ignore", fd], detached: true });
    closeSync(fd);
    proc.unref();
    const started: [number, number] = [proc.pid, readStat(proc.pid)?.startTime ?? 0];
    ctx.store.setMeta(META, started.join(" "));
    return started;
  });
  let signalled = -1;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const st = readServing(ctx.dir, pid);
    if (st?.networks.includes(networkId)) return;
    if (st?.failed[networkId]) throw new UserError(`the DNS resolver cannot listen for network ${networkId.slice(0, 12)}: ${st.failed[networkId]}`);
    if (st && st.generation > signalled) {
      signalled = st.generation;
      process.kill(pid, "SIGHUP"); // it read the networks before this one existed
    }
    if (!isAlive(pid)) break;
    await Bun.sleep(5);
  }
  throw new UserError(`the DNS resolver did not start for network ${networkId.slice(0, 12)}${lastLine(logFile(ctx)) ? `: ${lastLine(logFile(ctx))}` : ""}`);
}

/** After networks went away: the resolver drops them, or stops when no user network is left.
 * Returns true when it stopped a resolver. */
export async function syncResolver(ctx: NetContext): Promise<boolean> {
  const wanted = new Set(ctx.store.networks().filter((n) => !n.isDefault).map((n) => n.id));
  const running = resolverProcess(ctx);
  if (!running) return false;
  if (wanted.size === 0) {
    ctx.store.tx(() => ctx.store.setMeta(META, undefined));
    try {
      process.kill(running[0], "SIGTERM");
    } catch {}
    if (!(await waitGone(running[0], running[1], 2000))) process.kill(running[0], "SIGKILL");
    rmSync(servingFile(ctx.dir), { force: true });
    rmSync(logFile(ctx), { force: true });
    return true;
  }
  // Wait until it let go of the removed networks' addresses (a new network may reuse one);
  // signal it only once it has written its state (see ensureResolver).
  let signalled = -1;
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    const st = readServing(ctx.dir, running[0]);
    if (st && !st.networks.some((id) => !wanted.has(id))) break;
    if (st && st.generation > signalled) {
      signalled = st.generation;
      process.kill(running[0], "SIGHUP");
    }
    await Bun.sleep(5);
  }
  return false;
}
