// Ending a command with _exit(2) once its work is done and its resources are closed. Bun's own
// exit (process.exit) then tears its runtime down before the process ends: ~1.4 ms of an
// `nsbox run --rm` (docs/performance.md, "Session 5"). Only for a caller whose SQLite stores are
// closed or meant to be left as a crash leaves them (the next opener rebuilds the wal-index from
// the WAL: keep that WAL small, as the engine's containers database does) and that has no output
// pending: console.log and writeSync write at once; a Node stream (process.stdout/stderr) may
// hold data, so callers that used one must not end this way.
import { dlopen, FFIType } from "bun:ffi";

export function quickExit(code: number): never {
  // A second dlopen of libc (src/linux/libc.ts has the first) costs ~0.03 ms.
  dlopen("libc.so.6", { _exit: { args: [FFIType.i32], returns: FFIType.void } }).symbols._exit(code);
  throw new Error("_exit returned"); // unreachable
}
