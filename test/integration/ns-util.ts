// Helpers for the namespace toolkit's integration tests: run nsbox and util-linux side by side,
// start long-lived processes in new namespaces, and clean them up.
import { readFileSync, readlinkSync } from "node:fs";
import { NSBOX, top, type Result } from "../helpers/cli.ts";
export { NSBOX, top, type Result };

export function run(argv: string[], env: Record<string, string> = {}): Result {
  const p = Bun.spawnSync(argv, { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? 128 + (p.signalCode ? 9 : 0), stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

export const nsbox = (args: string[], env: Record<string, string> = {}) => run([...NSBOX, ...args], env);

export function inode(pid: number | "self", type: string): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
}

/** A `sleep` started through argv (e.g. util-linux unshare --fork) whose PID we find as the newest
 * child of the spawned process tree once its namespace differs from ours. */
export class Sleeper {
  readonly proc: ReturnType<typeof Bun.spawn>;
  pid = 0;
  constructor(argv: string[]) {
    this.proc = Bun.spawn(argv, { stdout: "ignore", stderr: "inherit" });
  }
  /** Waits until the leaf process (the sleep) exists and returns its PID. */
  async leaf(): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const pid = deepestChild(this.proc.pid);
      // The sleep itself (argv[0]), not a parent whose arguments name it (unshare ... sh -c "exec sleep").
      if (pid && /^sleep\0/.test(await Bun.file(`/proc/${pid}/cmdline`).text().catch(() => ""))) return (this.pid = pid);
      await Bun.sleep(10);
    }
    throw new Error(`no sleep under ${this.proc.pid}`);
  }
  kill() {
    this.proc.kill("SIGKILL");
    if (this.pid) try { process.kill(this.pid, "SIGKILL"); } catch {}
  }
}

function deepestChild(pid: number): number | undefined {
  let cur = pid;
  for (let depth = 0; depth < 10; depth++) {
    let kids: string;
    try {
      kids = readFileSync(`/proc/${cur}/task/${cur}/children`, "utf8").trim();
    } catch {
      return undefined;
    }
    if (!kids) return cur === pid ? undefined : cur;
    cur = Number(kids.split(" ")[0]);
  }
  return cur;
}
