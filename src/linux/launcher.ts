// Starting native/build/nsbox-launcher with a plan and following its sync lines.
// The launcher gets the plan and reports back on fd 3, a socketpair Bun creates for us.
import { writeSync } from "node:fs";
import { getSystemErrorMap } from "node:util";
import { fileURLToPath } from "node:url";
import { encodePlan, type LaunchPlan } from "./plan.ts";
import { SYNC } from "./plan-ids.ts";

export const LAUNCHER_PATH =
  process.env.NSBOX_LAUNCHER ?? fileURLToPath(new URL("../../native/build/nsbox-launcher", import.meta.url));

const errnoInfo = getSystemErrorMap() as Map<number, [string, string]>;

/** A failure the launcher reported: which stage and step, on what path, with which errno. */
export class LaunchError extends Error {
  constructor(
    readonly stage: string,
    readonly step: string,
    readonly path: string,
    readonly errno: number,
  ) {
    super(LaunchError.describe(step, path, errno));
    this.name = "LaunchError";
  }
  /** "ENOENT" etc., or "" when the failure was not a syscall's. */
  get code(): string {
    return this.errno ? (errnoInfo.get(-this.errno)?.[0] ?? `errno ${this.errno}`) : "";
  }
  static describe(step: string, path: string, errno: number): string {
    if (!errno) return path ? `${step}: ${path}` : step;
    const text = errnoInfo.get(-errno)?.[1] ?? `errno ${errno}`;
    const nice = text.charAt(0).toUpperCase() + text.slice(1);
    return path ? `${step} ${path}: ${nice}` : `${step}: ${nice}`;
  }
}

export type Stdio = "inherit" | "ignore" | number;

export interface LaunchOptions {
  stdio?: [Stdio, Stdio, Stdio];
}

export interface Launched {
  /** The process's PID on the host. */
  pid: number;
  /** The launcher's exit: in foreground mode the process's status (exit code, or 128 + signal). */
  exited: Promise<number>;
  /** Sends a signal to the launcher (in foreground mode it forwards it to the process). */
  signal(sig: NodeJS.Signals | number): void;
}

/** Reads "\n"-terminated lines from a stream of chunks. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered) yield buffered;
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off);
    } catch (err) {
      // The socket is non-blocking on our side; the launcher drains it right away.
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Bun.sleepSync(0.1);
    }
  }
}

/**
 * Starts the launcher and resolves once the process is set up: at "ready" when the plan has an
 * exec fifo (the process waits for `start`), otherwise once it has exec'd. Rejects with a
 * LaunchError when any stage fails; the launcher has then exited and left nothing behind in
 * its own namespaces (the caller removes what it created itself, such as state or cgroups).
 */
export async function launch(plan: LaunchPlan, opts: LaunchOptions = {}): Promise<Launched> {
  const proc = Bun.spawn([LAUNCHER_PATH], {
    stdio: [...(opts.stdio ?? ["inherit", "inherit", "inherit"]), "pipe"],
  });
  const sock = proc.stdio[3] as unknown as number;
  writeAll(sock, encodePlan(plan));
  let pid = 0;
  let failure: LaunchError | undefined;
  const reader = Bun.file(sock).stream();
  for await (const line of lines(reader)) {
    const [word, ...rest] = line.split(" ");
    if (word === SYNC.PID) pid = Number(rest[0]);
    else if (word === SYNC.READY) break;
    else if (word === SYNC.ERROR) {
      const [stage, step, path, errno] = rest.join(" ").split("\t");
      failure = new LaunchError(stage ?? "", step ?? "", path ?? "", Number(errno ?? 0));
      break;
    }
  }
  const exited = proc.exited;
  if (failure) {
    await exited;
    throw failure;
  }
  if (!pid) {
    const code = await exited;
    throw new LaunchError("stage0", "launcher", `exited with status ${code} before starting the process`, 0);
  }
  return { pid, exited, signal: (sig) => proc.kill(sig) };
}
