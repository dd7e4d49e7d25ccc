// Spawning `ip` and `nft` (and nsenter to reach a netns by path). Every spawn is counted, because
// the per-container cost of networking is measured in spawns as much as in milliseconds.
import { UserError } from "../common/errors.ts";

export const spawnCount = { value: 0 };

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function exec(argv: string[], input?: string): Promise<ExecResult> {
  spawnCount.value++;
  let proc;
  try {
    proc = Bun.spawn(argv, { stdin: input === undefined ? "ignore" : new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  } catch (err) {
    throw new UserError(`cannot run ${argv[0]}: ${(err as Error).message} (is ${argv[0] === "nft" ? "nftables" : argv[0]} installed?)`);
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Synchronous variant, for the few steps that must run while the store's write lock is held. */
export function execSync(argv: string[], input?: string): ExecResult {
  spawnCount.value++;
  let proc;
  try {
    proc = Bun.spawnSync(argv, { stdin: input === undefined ? "ignore" : new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  } catch (err) {
    throw new UserError(`cannot run ${argv[0]}: ${(err as Error).message} (is ${argv[0] === "nft" ? "nftables" : argv[0]} installed?)`);
  }
  return { code: proc.exitCode ?? 1, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

/** The first line of a tool's complaint, for one-line errors. */
export function firstError(r: ExecResult): string {
  return (r.stderr.split("\n").find((l) => l.trim() && !l.startsWith("Command failed")) ?? `exit status ${r.code}`).trim();
}

/** argv prefix running `ip` inside the network namespace at `path`. */
export function ipIn(netnsPath: string): string[] {
  const named = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(netnsPath);
  return named ? ["ip", "-n", named[1]!] : ["nsenter", `--net=${netnsPath}`, "ip"];
}
