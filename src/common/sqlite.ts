// Opening the SQLite stores (engine containers, image records, networks) one way: WAL with
// synchronous=NORMAL (a commit survives kill -9; one lost on power failure leaves the file
// consistent), a busy timeout for the other nsbox processes, and a persistent WAL file. Without
// that, every process that closes the database last deletes its WAL and -shm files and the next
// one creates them again with a directory fsync: ~0.6 ms per store per command.
import { constants, Database } from "bun:sqlite";

export function openStore(path: string, opts: { busyTimeoutMs?: number; readonly?: boolean } = {}): Database {
  const db = new Database(path, opts.readonly ? { readonly: true } : { create: true });
  const timeoutMs = opts.busyTimeoutMs ?? 10000;
  // The busy timeout first: switching to WAL itself needs the lock other processes may hold.
  db.run(`PRAGMA busy_timeout = ${timeoutMs}`);
  if (!opts.readonly) {
    // While another process is switching a new file to WAL, SQLite answers SQLITE_BUSY at once
    // instead of calling the busy handler (it cannot wait on a lock change it does not see yet):
    // several processes creating one store together would fail here, so retry until the timeout.
    retryWhileBusy(() => db.run("PRAGMA journal_mode = WAL"), timeoutMs);
    db.run("PRAGMA synchronous = NORMAL");
    // The persistent WAL emptied at close (after the close's checkpoint), as Bun's exit-time close
    // leaves it: a store closed by hand (db.close()) kept its frames otherwise, and the next
    // process to open it, finding no live wal-index, read them all back (recovery) and could not
    // restart the WAL, which so grew to the autocheckpoint's 4 MB. The limit also trims a WAL
    // that a burst of writers made larger, at the next restart.
    db.run("PRAGMA journal_size_limit = 0");
  }
  db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1);
  return db;
}

function retryWhileBusy(statement: () => void, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return statement();
    } catch (e) {
      const busy = (e as { code?: string }).code?.startsWith("SQLITE_BUSY");
      if (!busy || Date.now() > deadline) throw e;
      Bun.sleepSync(5);
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `fn` (one statement, or a transaction begun IMMEDIATE) again while SQLite answers
 * SQLITE_BUSY: after 0.05-0.15 ms, then twice as long each time up to 1-3 ms, until `timeoutMs`.
 * For a connection whose busy_timeout is 0 (ContainerDb): SQLite's own busy handler sleeps 1, 2,
 * 5, 10, 15, 20, 25 ... 100 ms between tries, and when 50 `run -d` started at once their CLIs
 * slept 1.4 s in all, a CLI up to 124 ms at a time, mostly while the write lock (held well under a
 * millisecond per transaction) was free (docs/performance.md, "Session 5").
 */
export function retryBusy<T>(fn: () => T, timeoutMs = 10000): T {
  const deadline = performance.now() + timeoutMs;
  for (let wait = 0.1; ; wait = Math.min(wait * 2, 2)) {
    try {
      return fn();
    } catch (e) {
      if (!(e as { code?: string }).code?.startsWith("SQLITE_BUSY") || performance.now() > deadline) throw e;
      Atomics.wait(sleeper, 0, 0, wait * (0.5 + Math.random())); // Bun.sleepSync rounds below 1 ms to 0
    }
  }
}
