// poll(2) through bun:ffi (~0.2 ms to bind, once): Bun has no way to wait on a raw fd it did not
// open as a stream (the launcher's socket, the exec fifo) without a busy loop.
let libcPoll: ((fds: Uint8Array, n: number, timeout: number) => number) | undefined;

/** Waits until `fd` is readable (or hung up) or `timeoutMs` passes (-1: forever); true if ready. */
export function pollReadable(fd: number, timeoutMs = -1): boolean {
  if (!libcPoll) {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    const lib = dlopen("libc.so.6", { poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 } });
    libcPoll = lib.symbols.poll as never;
  }
  const pfd = new Uint8Array(8);
  const view = new DataView(pfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, 1 /* POLLIN */, true);
  return libcPoll!(pfd, 1, timeoutMs) > 0;
}
