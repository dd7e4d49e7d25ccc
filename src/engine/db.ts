// Engine metadata in SQLite (bun:sqlite, WAL): one row per container with its docker-shaped
// record as JSON. The name column is UNIQUE, so of many concurrent creates with the same name
// exactly one wins, with no lock files. `complete` is 0 while a create is half done; rows left
// at 0 by a killed CLI (creator_pid gone) are what reconciliation removes.
import type { Database } from "bun:sqlite";
import { openStore, retryBusy } from "../common/sqlite.ts";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../common/errors.ts";
import type { ContainerJSON } from "./types.ts";

export interface Row {
  id: string;
  name: string;
  complete: boolean;
  creatorPid: number;
  doc: ContainerJSON;
}

interface RawRow {
  id: string;
  name: string;
  complete: number;
  creator_pid: number;
  doc: string;
}

export class NameConflict extends UserError {
  constructor(name: string, holder: string) {
    super(
      `Conflict. The container name "/${name}" is already in use by container "${holder}". ` +
        "You have to remove (or rename) that container to be able to reuse that name.",
      125,
    );
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS containers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0,
  creator_pid INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL
);`;

export class ContainerDb {
  private db: Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = openStore(path);
    // Checkpoints after a commit once the WAL holds 32 pages (128 KB) rather than SQLite's 1000:
    // `nsbox run` ends without closing this store (Engine.closeForExit), so no close checkpoints
    // it, and the next process to open it rebuilds the wal-index from the WAL; this bounds both.
    this.db.run("PRAGMA wal_autocheckpoint = 32");
    this.db.run(SCHEMA);
    // Contention is met by retryBusy (quick retries) around each statement below, not by SQLite's
    // busy handler (1 to 100 ms sleeps): many `run -d` at once slept mostly with the lock free.
    this.db.run("PRAGMA busy_timeout = 0");
  }

  close(): void {
    this.db.close();
  }

  private static toRow(r: RawRow): Row {
    return { id: r.id, name: r.name, complete: !!r.complete, creatorPid: r.creator_pid, doc: JSON.parse(r.doc) };
  }

  /** Claims the name: throws NameConflict when another container holds it. */
  insert(doc: ContainerJSON, name: string, creatorPid: number): void {
    try {
      const json = JSON.stringify(doc);
      retryBusy(() =>
        this.db
          .query("INSERT INTO containers (id, name, created, complete, creator_pid, doc) VALUES (?, ?, ?, 0, ?, ?)")
          .run(doc.Id, name, doc.Created, creatorPid, json),
      );
    } catch (err) {
      if (!/UNIQUE constraint failed: containers.name/.test(String(err))) throw err;
      const holder = retryBusy(() => this.db.query("SELECT id FROM containers WHERE name = ?").get(name)) as { id: string } | null;
      throw new NameConflict(name, holder?.id ?? "");
    }
  }

  markComplete(id: string, doc: ContainerJSON): void {
    const json = JSON.stringify(doc);
    retryBusy(() => this.db.query("UPDATE containers SET complete = 1, doc = ? WHERE id = ?").run(json, id));
  }

  /** Rewrites a record under a read-modify-write transaction, so concurrent updates don't interleave. */
  update(id: string, change: (doc: ContainerJSON) => void): ContainerJSON | undefined {
    // Immediate: a busy write lock fails at BEGIN, before `change` has run, so a retry is clean.
    return retryBusy(() =>
      this.db.transaction(() => {
        const r = this.db.query("SELECT * FROM containers WHERE id = ?").get(id) as RawRow | null;
        if (!r) return undefined;
        const doc = JSON.parse(r.doc) as ContainerJSON;
        change(doc);
        this.db.query("UPDATE containers SET doc = ? WHERE id = ?").run(JSON.stringify(doc), id);
        return doc;
      }).immediate(),
    );
  }

  rename(id: string, name: string): void {
    try {
      retryBusy(() =>
        this.db.transaction(() => {
          const r = this.db.query("SELECT doc FROM containers WHERE id = ?").get(id) as { doc: string } | null;
          if (!r) return;
          const doc = JSON.parse(r.doc) as ContainerJSON;
          doc.Name = `/${name}`;
          this.db.query("UPDATE containers SET name = ?, doc = ? WHERE id = ?").run(name, JSON.stringify(doc), id);
        }).immediate(),
      );
    } catch (err) {
      if (!/UNIQUE constraint failed/.test(String(err))) throw err;
      const holder = retryBusy(() => this.db.query("SELECT id FROM containers WHERE name = ?").get(name)) as { id: string } | null;
      throw new NameConflict(name, holder?.id ?? "");
    }
  }

  get(id: string): Row | undefined {
    const r = retryBusy(() => this.db.query("SELECT * FROM containers WHERE id = ?").get(id)) as RawRow | null;
    return r ? ContainerDb.toRow(r) : undefined;
  }

  /** A name, a full id, or a unique id prefix (docker's lookup order). */
  resolve(ref: string): Row | undefined {
    const name = ref.startsWith("/") ? ref.slice(1) : ref;
    const byName = retryBusy(() => this.db.query("SELECT * FROM containers WHERE name = ?").get(name)) as RawRow | null;
    if (byName) return ContainerDb.toRow(byName);
    if (!/^[0-9a-f]{1,64}$/.test(ref)) return undefined;
    const rows = retryBusy(() => this.db.query("SELECT * FROM containers WHERE id >= ? AND id < ? LIMIT 2").all(ref, `${ref}g`)) as RawRow[];
    if (rows.length > 1) throw new UserError(`multiple containers found with provided prefix: ${ref}`);
    return rows[0] ? ContainerDb.toRow(rows[0]) : undefined;
  }

  list(): Row[] {
    return (retryBusy(() => this.db.query("SELECT * FROM containers ORDER BY created DESC").all()) as RawRow[]).map(ContainerDb.toRow);
  }

  /**
   * What reconciliation looks at: half-made rows and --rm containers. Filtered by SQLite, so an
   * engine open with many containers parses none of the others' records (every `run` opens one).
   */
  reconcileCandidates(): Row[] {
    const sql = "SELECT * FROM containers WHERE complete = 0 OR json_extract(doc, '$.HostConfig.AutoRemove') = 1";
    return (retryBusy(() => this.db.query(sql).all()) as RawRow[]).map(ContainerDb.toRow);
  }

  delete(id: string): void {
    retryBusy(() => this.db.query("DELETE FROM containers WHERE id = ?").run(id));
  }
}
