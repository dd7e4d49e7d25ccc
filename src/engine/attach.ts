// Client side of the monitor's attach socket (see native/monitor/io.c): demultiplexes docker's
// frames (or raw bytes for a terminal) to our stdout/stderr, forwards stdin, half-closes at its
// end, and resizes the pty through the ctl fifo.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
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

export function attach(o: AttachOptions): Promise<Attached> {
  return new Promise((resolve, reject) => {
    const sock: Socket = createConnection({ path: o.socket, allowHalfOpen: true });
    // Our reader went away (`nsbox attach c | head`): stop quietly, like a closed pipe in docker.
    const safe = (stream: NodeJS.WriteStream) => {
      stream.on("error", () => sock.destroy()); // EPIPE arrives as an event, not a throw
      return (b: Uint8Array) => {
        try {
          stream.write(b);
        } catch {
          sock.destroy();
        }
      };
    };
    const out = o.stdout ?? safe(process.stdout);
    const err = o.stderr ?? safe(process.stderr);
    let pending = Buffer.alloc(0);
    const done = new Promise<void>((res) => sock.on("close", () => res()));
    sock.on("data", (chunk: Buffer) => {
      if (o.tty) return out(chunk);
      pending = demux(pending.length ? Buffer.concat([pending, chunk]) : chunk, (s, p) => (s === 2 ? err(p) : out(p)));
    });
    sock.once("error", reject);
    sock.on("connect", () => {
      sock.off("error", reject);
      sock.on("error", () => {});
      const scanner = new DetachScanner(o.detachKeys);
      const state = { detached: false };
      if (o.stdin) {
        process.stdin.on("data", (d: Buffer) => {
          if (state.detached) return;
          if (!o.tty) return void sock.write(d);
          // Like the docker CLI (terminal only): the keys are caught here, never reach the container.
          const { forward, detached } = scanner.feed(d);
          if (forward.length) sock.write(forward);
          if (detached) {
            state.detached = true;
            sock.destroy();
          }
        });
        process.stdin.on("end", () => sock.end());
      } else sock.end();
      resolve({
        done,
        get detached() {
          return state.detached;
        },
        close: () => sock.destroy(),
      });
    });
  });
}
