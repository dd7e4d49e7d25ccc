// Ending a command with _exit(2) once its work is done and its resources are closed. Bun's own
// exit (process.exit) then tears its runtime down before the process ends. Only for a caller
// whose SQLite stores are closed or meant to be left as a crash leaves them (the next opener
// rebuilds the wal-index from the WAL: keep that WAL small, as the engine's containers database
// does) and that has no output pending: console.log and writeSync write at once; a Node stream
// (process.stdout/stderr) may hold data, so callers that used one must not end this way.
//
// Started by the C front end as its child (native/nsbox/early_exit.c, `nsbox run`), we also tell
// it our exit code on the pipe it names in NSBOX_DONE_FD, just before the _exit: it returns then,
// and the kernel's teardown of this process (~1 ms) no longer delays the command.
import { fstatSync, writeSync } from "node:fs";
import { exitNow } from "../linux/libc.ts";

/** The front end's pipe, if it gave us one; not passed on to the processes we start. */
const doneFd = ((): number | undefined => {
  const v = process.env.NSBOX_DONE_FD;
  delete process.env.NSBOX_DONE_FD;
  const fd = Number(v);
  if (!v || !Number.isInteger(fd) || fd < 3) return undefined;
  try {
    return fstatSync(fd).isFIFO() ? fd : undefined; // never a stray number naming another file of ours
  } catch {
    return undefined;
  }
})();

export function quickExit(code: number): never {
  if (doneFd !== undefined) {
    try {
      writeSync(doneFd, Uint8Array.of(code & 0xff));
    } catch {}
  }
  return exitNow(code);
}
