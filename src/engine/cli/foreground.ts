// Attached `run` / `start -a`: attach before the process starts (so no output is missed), relay
// until the monitor closes the stream, then take the exit code from the container's state.
// Signals we receive are forwarded to the container (docker's --sig-proxy); for a terminal our
// stdin goes raw and size changes are passed on.
import { attach, resize, type Attached } from "../attach.ts";
import type { Engine } from "../engine.ts";
import { rmSync, writeFileSync } from "node:fs";
import { killContainer, removeContainer, waitContainer } from "../ops.ts";
import { leasePath } from "../ops.ts";
import { startContainer } from "../start.ts";
import { setRawTerminal } from "../raw-terminal.ts";

export interface ForegroundOptions {
  stdin: boolean;
  tty: boolean;
  sigProxy: boolean;
  /** The detach sequence (default Ctrl-P Ctrl-Q); docker's run and start -a then exit 0, silently. */
  detachKeys?: Uint8Array;
}

export async function runAttached(e: Engine, id: string, opts: ForegroundOptions): Promise<number> {
  let conn: Attached | undefined;
  const ctl = `${e.paths.dir(id)}/ctl`;
  const raw = opts.tty && opts.stdin && process.stdin.isTTY;
  // --rm: we read the exit code, then remove it ourselves; our lease keeps the monitor's cleanup
  // from removing it first (if we die, the cleanup or a later reconciliation does it).
  const autoRemove = e.row(id).doc.HostConfig.AutoRemove;
  if (autoRemove) writeFileSync(leasePath(e, id), "");
  await startContainer(e, id, {
    beforeStart: async () => {
      conn = await attach({ socket: e.paths.socket(id), ctl, tty: opts.tty, stdin: opts.stdin, detachKeys: opts.detachKeys });
    },
  });
  const forward = (sig: NodeJS.Signals) => {
    try {
      killContainer(e, id, sig);
    } catch {}
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
  if (opts.sigProxy) for (const s of signals) process.on(s, forward);
  // Not proxied (a terminal's start -a, as docker's; --sig-proxy=false): a signal that ends us
  // first gives the terminal back out of raw mode, as docker's CLI does, and exits 128+N.
  const ending: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  const leave = (sig: NodeJS.Signals) => {
    if (raw) setRawTerminal(false);
    if (autoRemove) rmSync(leasePath(e, id), { force: true }); // the monitor's cleanup removes it at its exit
    process.exit(128 + ending[sig]!);
  };
  if (!opts.sigProxy) for (const s of Object.keys(ending)) process.on(s, leave);
  const onResize = () => resize(ctl, process.stdout.rows ?? 24, process.stdout.columns ?? 80);
  // process.stdout only with -t: building that stream costs ~7 ms of start-up.
  const followSize = opts.tty && process.stdout.isTTY;
  if (followSize) {
    onResize();
    process.stdout.on("resize", onResize);
  }
  if (raw) setRawTerminal(true);
  try {
    await conn!.done;
  } finally {
    if (raw) setRawTerminal(false);
    if (opts.sigProxy) for (const s of signals) process.off(s, forward);
    else for (const s of Object.keys(ending)) process.off(s, leave);
    if (followSize) process.stdout.off("resize", onResize);
    if (opts.stdin) process.stdin.pause();
  }
  if (conn!.detached) {
    // The detach keys: the container runs on; a --rm one is removed by its monitor when it exits.
    if (autoRemove) rmSync(leasePath(e, id), { force: true });
    return 0;
  }
  const code = await waitContainer(e, id);
  if (autoRemove) await removeContainer(e, id, true);
  return code;
}
