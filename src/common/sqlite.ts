// Opening the SQLite stores (engine containers, image records, networks) one way: WAL with
// synchronous=NORMAL (a commit survives kill -9; one lost on power failure leaves the file
// consistent), a busy timeout for the other nsbox processes, and a persistent WAL file. Without
// that, every process that closes the database last deletes its WAL and -shm files and the next
// one creates them again with a directory fsync: ~0.6 ms per store per command.
import { constants, Database } from "bun:sqlite";

export function openStore(path: string, opts: { busyTimeoutMs?: number; readonly?: boolean } = {}): Database {
  const db = new Database(path, opts.readonly ? { readonly: true } : { create: true });
  // The busy timeout first: switching to WAL itself needs the lock other processes may hold.
  db.run(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 10000}`);
  if (!opts.readonly) {
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = NORMAL");
  }
  db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1);
  return db;
}
