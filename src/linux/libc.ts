// The few libc calls Bun has no API for, through bun:ffi (bound once, ~0.2 ms): poll(2) on a raw
// fd, and socketpair(2) for the launcher's sync socket.
import type { Library } from "bun:ffi";

type Symbols = {
  poll: (fds: Uint8Array, n: number, timeout: number) => number;
  socketpair: (domain: number, type: number, protocol: number, sv: Int32Array) => number;
};
let libc: Symbols | undefined;

function load(): Symbols {
  if (!libc) {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const lib: Library<Record<string, never>> = dlopen("libc.so.6", {
      poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
      socketpair: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    }) as never;
    libc = lib.symbols as unknown as Symbols;
  }
  return libc;
}

/** Waits until `fd` is readable (or hung up) or `timeoutMs` passes (-1: forever); true if ready. */
export function pollReadable(fd: number, timeoutMs = -1): boolean {
  const pfd = new Uint8Array(8);
  const view = new DataView(pfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, 1 /* POLLIN */, true);
  return load().poll(pfd, 1, timeoutMs) > 0;
}

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;

/** A blocking, close-on-exec unix stream socketpair that only we read (Bun's event loop never sees it). */
export function socketpair(): [number, number] {
  const sv = new Int32Array(2);
  if (load().socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new Error("socketpair failed");
  return [sv[0]!, sv[1]!];
}
