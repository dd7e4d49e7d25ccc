// Client side of the monitor's attach socket (see native/monitor/io.c): demultiplexes docker's
// frames (or raw bytes for a terminal) to our stdout/stderr, forwards stdin, half-closes at its
// end, and resizes the pty through the ctl fifo.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import type { Socket } from "bun";
import { DetachScanner } from "./detach-keys.ts";

export interface AttachOptions {
  socket: string;
  ctl: string;
  tty: boolean;
  stdin: boolean;
  stdout?: (b: Uint8Array) => void;
  stderr?: (b: Uint8Array) => void;
  /** The detach sequence (detach-keys.ts; default Ctrl-P Ctrl-Q), caught in a terminal's input. */
  detachKeys?: Uint8Array;
}

export interface Attached {
  /** Resolves when the monitor closes the connection (the container exited) or we detached. */
  done: Promise<void>;
  /** True once the user typed the detach keys (default Ctrl-P Ctrl-Q): the container goes on. */
  readonly detached: boolean;
  close(): void;
}

/** Pure: splits docker's multiplexed stream; returns the unconsumed tail. */
export function demux(buf: Buffer, emit: (stream: number, payload: Buffer) => void): Buffer {
  let off = 0;
  while (buf.length - off >= 8) {
    const size = buf.readUInt32BE(off + 4);
    if (buf.length - off < 8 + size) break;
    emit(buf[off]!, buf.subarray(off + 8, off + 8 + size));
    off += 8 + size;
  }
  return buf.subarray(off);
}

export function resize(ctl: string, rows: number, cols: number): void {
  try {
    const fd = openSync(ctl, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(fd, `resize ${rows} ${cols}\n`);
    closeSync(fd);
  } catch {}
}

/**
 * Our stdout or stderr, written synchronously as node's process.stdout is for pipes and ttys on
 * Linux, without building that stream (~7 ms of start-up in a compiled binary, a fifth of a
 * `run --rm`). A reader that went away (EPIPE: `nsbox attach c | head`) stops the attach quietly,
 * as a closed pipe does docker's.
 */
function fdWriter(fd: number, gone: () => void): (b: Uint8Array) => void {
  let closed = false;
  return (b) => {
    for (let off = 0; off < b.length && !closed; ) {
      try {
        off += writeSync(fd, b, off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") Bun.sleepSync(1); // a non-blocking fd we inherited
        else {
          closed = true;
          gone();
        }
      }
    }
  };
}

/**
 * Connects to the monitor's attach socket. Bun's own socket (Bun.connect), not node:net: that
 * module and the streams under it cost ~2.5 ms of start-up in a compiled binary, on every attached
 * `run`. What the socket does not take at once waits for its drain, in order.
 */
export async function attach(o: AttachOptions): Promise<Attached> {
  let finish!: () => void;
  const done = new Promise<void>((res) => (finish = res));
  const state = { detached: false };
  let pending = Buffer.alloc(0);
  const unsent: Uint8Array[] = [];
  let endWanted = false;
  let sock!: Socket;
  const stop = () => sock.terminate();
  const out = o.stdout ?? fdWriter(1, stop);
  const err = o.stderr ?? fdWriter(2, stop);
  const flush = () => {
    while (unsent.length) {
      const chunk = unsent[0]!;
      const n = sock.write(chunk);
      if (n < chunk.length) {
        if (n > 0) unsent[0] = chunk.subarray(n);
        return;
      }
      unsent.shift();
    }
    if (endWanted) sock.shutdown(); // half-close: the end of our stdin (stdin-once closes the container's)
  };
  const send = (data: Uint8Array) => {
    unsent.push(data);
    if (unsent.length === 1) flush();
  };
  sock = await Bun.connect({
    unix: o.socket,
    allowHalfOpen: true,
    socket: {
      data(_s, chunk) {
        if (o.tty) return out(chunk);
        pending = demux(pending.length ? Buffer.concat([pending, chunk]) : chunk, (s, p) => (s === 2 ? err(p) : out(p)));
      },
      drain: flush,
      // The monitor closes the connection once the container has exited and its output is drained.
      end: (s) => s.terminate(),
      close: () => finish(),
      error: () => {},
    },
  });
  const scanner = new DetachScanner(o.detachKeys);
  const endInput = () => {
    endWanted = true;
    if (!unsent.length) flush();
  };
  if (o.stdin) {
    process.stdin.on("data", (d: Buffer) => {
      if (state.detached) return;
      if (!o.tty) return send(d);
      // Like the docker CLI (terminal only): the keys are caught here, never reach the container.
      const { forward, detached } = scanner.feed(d);
      if (forward.length) send(forward);
      if (detached) {
        state.detached = true;
        stop();
      }
    });
    process.stdin.on("end", endInput);
  } else endInput();
  return {
    done,
    get detached() {
      return state.detached;
    },
    close: stop,
  };
}
