// Ending a command with _exit(2) once its work is done and its resources are closed. Bun's own
// exit (process.exit) then tears its runtime down before the process ends. Only for a caller
// whose SQLite stores are closed or meant to be left as a crash leaves them (the next opener
// rebuilds the wal-index from the WAL: keep that WAL small, as the engine's containers database
// does) and that has no output pending: console.log and writeSync write at once; a Node stream
// (process.stdout/stderr) may hold data, so callers that used one must not end this way.
//
// Started by the C front end as its child (`nsbox run`), we also tell it our exit code just
// before the _exit (done-fd.ts): it returns then.
import { exitNow } from "../linux/libc.ts";
import { tellDone } from "./done-fd.ts";

export function quickExit(code: number): never {
  tellDone(code);
  return exitNow(code);
}
