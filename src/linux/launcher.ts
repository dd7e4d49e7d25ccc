// Starting native/build/nsbox-launcher with a plan and following its sync lines.
// The launcher gets the plan and reports back on fd 3, a socketpair Bun creates for us.
import { encodePlan, type LaunchPlan } from "./plan.ts";
import { SYNC } from "./plan-ids.ts";
// Raw read/write/close from libc.ts rather than node:fs: `nsbox unshare`/`nsenter` load nothing else
// of node:fs, whose first import costs ~1 ms in a compiled binary (docs/performance.md).
import { closeFd as closeSync, readFd as readSync, socketpair, writeFd as writeSync } from "./libc.ts";

// From source, the launcher sits beside src/; in a compiled bin/ executable (setup's
// `bun build --compile`, whose modules live under /$bunfs), beside bin/.
export const LAUNCHER_PATH =
  process.env.NSBOX_LAUNCHER ??
  (import.meta.dir.startsWith("/$bunfs")
    ? `${process.execPath.slice(0, process.execPath.lastIndexOf("/"))}/../native/build/nsbox-launcher`
    : `${import.meta.dir}/../../native/build/nsbox-launcher`);

// getSystemErrorMap costs milliseconds: build it only when an error is reported.
let errnoMap: Map<number, [string, string]> | undefined;
const errnoInfo = (errno: number) =>
  (errnoMap ??= (require("node:util") as typeof import("node:util")).getSystemErrorMap() as Map<number, [string, string]>).get(-errno);

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
    return this.errno ? (errnoInfo(this.errno)?.[0] ?? `errno ${this.errno}`) : "";
  }
  static describe(step: string, path: string, errno: number): string {
    if (!errno) return path ? `${step}: ${path}` : step;
    const text = errnoInfo(errno)?.[1] ?? `errno ${errno}`;
    const nice = text.charAt(0).toUpperCase() + text.slice(1);
    return path ? `${step} ${path}: ${nice}` : `${step}: ${nice}`;
  }
}

/** A file descriptor, inherit/ignore, or (stdin only) bytes to feed it. */
export type Stdio = "inherit" | "ignore" | number | Buffer;

/** The launcher process as launch() follows it. */
export interface LauncherProcess {
  /** Its exit status (read after a failure, or in foreground mode). */
  readonly exited: Promise<number>;
  kill(sig?: NodeJS.Signals | number): void;
}

export interface LaunchOptions {
  stdio?: [Stdio, Stdio, Stdio];
  /** Our fds the program gets as its 3, 4, ... (with plan.preserveFds = their number). */
  passFds?: number[];
  /** With plan.hookSync: called once the mounts are done and before pivot_root, with the PID. */
  onHooks?: (pid: number) => Promise<void>;
  /**
   * A launcher someone else started, waiting for its plan on the other end of `sock` (our end,
   * which stays the caller's to close): the engine has its per-container monitor start it, so
   * that the container's init ends up the monitor's child, and early, while the engine is still
   * writing the bundle. `stdio` is then the starter's business.
   */
  started?: { sock: number; proc: LauncherProcess };
  /** With plan.cgroupWait: what the launcher waits for (making the cgroups), done once the plan
   * is sent, while it makes the namespaces; then the go byte. Throwing ends the launcher. */
  whilePlanned?: () => void | Promise<void>;
}

export interface Launched {
  /** The process's PID on the host. */
  pid: number;
  /** The launcher's exit: in foreground mode the process's status (exit code, or 128 + signal). */
  exited: Promise<number>;
  /** Sends a signal to the launcher (in foreground mode it forwards it to the process). */
  signal(sig: NodeJS.Signals | number): void;
}

/** Reads "\n"-terminated lines from the (blocking) sync socket until EOF. */
export function* lines(fd: number): Generator<string> {
  const buf = Buffer.alloc(4096);
  let buffered = "";
  for (let n; (n = readSync(fd, buf)) > 0; ) {
    buffered += buf.toString("utf8", 0, n);
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered) yield buffered;
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
}

/**
 * Starts the launcher and resolves once the process is set up: at "ready" when the plan has an
 * exec fifo (the process waits for `start`), otherwise once it has exec'd. Rejects with a
 * LaunchError when any stage fails; the launcher has then exited and left nothing behind in
 * its own namespaces (the caller removes what it created itself, such as state or cgroups).
 */
export async function launch(plan: LaunchPlan, opts: LaunchOptions = {}): Promise<Launched> {
  if (opts.passFds?.length) plan = { ...plan, preserveFds: opts.passFds.length };
  if (opts.started) return follow(opts.started.proc, opts.started.sock, plan, opts);
  const started = startLauncher(opts.stdio, opts.passFds);
  try {
    return await follow(started.proc, started.sock, plan, opts);
  } finally {
    closeSync(started.sock);
  }
}

/**
 * Starts a launcher that waits for its plan on `sock`, our end of its sync socket (the caller's
 * to close; closed before a plan is written, the launcher exits quietly). Started before the plan
 * exists, its exec and sealed re-exec run while we still work on the plan.
 */
export function startLauncher(stdio?: [Stdio, Stdio, Stdio], passFds?: number[]): { sock: number; proc: LauncherProcess } {
  // Our own socketpair rather than Bun's extra "pipe": Bun's end of that is non-blocking and
  // known to its event loop, and under load lines were lost from it (create failed with "exited
  // before starting the process"). The launcher's end becomes its fd 3; ours only we read.
  const [sock, theirs] = socketpair();
  try {
    const proc = Bun.spawn([LAUNCHER_PATH], { stdio: [...(stdio ?? ["inherit", "inherit", "inherit"]), theirs, ...(passFds ?? [])] });
    return { sock, proc };
  } catch (err) {
    closeSync(sock);
    // Not built, or not executable: one line naming the file, as for any step (setup builds it).
    const errno = (err as NodeJS.ErrnoException).errno;
    if (typeof errno === "number") throw new LaunchError("stage0", "start the launcher", `${LAUNCHER_PATH} (built by scripts/setup.sh)`, Math.abs(errno));
    throw err;
  } finally {
    closeSync(theirs);
  }
}

async function follow(proc: LauncherProcess, sock: number, plan: LaunchPlan, opts: LaunchOptions): Promise<Launched> {
  writeAll(sock, encodePlan(plan));
  if (plan.cgroupWait) {
    // If this throws, the caller closes the socket: stage 0 reads EOF instead of the go byte,
    // ends stage 1 and exits without a word.
    await opts.whilePlanned?.();
    try {
      writeAll(sock, Buffer.from("1"));
    } catch {
      // EPIPE: stage 0 failed before it needed the cgroups (its error line is read below).
    }
  }
  let pid = 0;
  let failure: LaunchError | undefined;
  // Stage 0 writes "pid" once stage 1 has told it; stage 2, already running, writes "hooks" and
  // "ready" itself, so on a busy machine those can come first. Stage 0 exits only after writing
  // "pid" (or an error): waiting for it here cannot hang.
  const reader = lines(sock);
  const parseError = (rest: string[]) => {
    const [stage, step, path, errno] = rest.join(" ").split("\t");
    return new LaunchError(stage ?? "", step ?? "", path ?? "", Number(errno ?? 0));
  };
  // next(), not for-of: leaving a for-of would close the generator the main loop still reads.
  const awaitPid = () => {
    for (let r = reader.next(); !r.done; r = reader.next()) {
      const [word, ...rest] = r.value.split(" ");
      if (word === SYNC.PID) return Number(rest[0]);
      if (word === SYNC.ERROR) {
        failure = parseError(rest);
        return 0;
      }
    }
    return 0;
  };
  for (const line of reader) {
    const [word, ...rest] = line.split(" ");
    if (word === SYNC.PID) pid = Number(rest[0]);
    else if (word === SYNC.READY) {
      if (!pid) pid = awaitPid();
      break;
    }
    else if (word === SYNC.HOOKS) {
      if (!pid) pid = awaitPid();
      if (failure) break;
      try {
        await opts.onHooks?.(pid);
      } catch (err) {
        // Stage 2 would wait for our byte forever (or until we exit): end it and the launcher.
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
        try {
          proc.kill("SIGKILL");
        } catch {}
        await proc.exited;
        throw err;
      }
      writeAll(sock, Buffer.from("1"));
    }
    else if (word === SYNC.ERROR) {
      failure = parseError(rest);
      break;
    }
  }
  if (failure) {
    await proc.exited;
    throw failure;
  }
  if (!pid) {
    const code = await proc.exited;
    throw new LaunchError("stage0", "launcher", `exited with status ${code} before starting the process`, 0);
  }
  // A getter: a spawner's `exited` may be costly, or not meant to be read while all goes well.
  return { pid, get exited() { return proc.exited; }, signal: (sig) => proc.kill(sig) };
}
