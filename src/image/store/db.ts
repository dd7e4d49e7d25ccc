// Image records in SQLite (bun:sqlite, built into Bun: no dependency, ~1 ms to open).
// Why SQLite and not JSON files: several nsbox processes pull, tag and remove at once; SQLite gives
// atomic multi-row updates (retag = remove name + add name), one writer at a time with a busy
// timeout, and survives kill -9 — the same reasons the engine keeps its metadata in SQLite.
// Content (blobs, layers) stays in files; only names and small facts live here.
import type { Database } from "bun:sqlite";
import { openStore } from "../../common/sqlite.ts";
import type { Digest } from "../digest.ts";

export interface ImageRow {
  id: Digest; // config digest (docker's image ID)
  manifest: Digest; // the platform manifest's digest
  indexDigest: Digest | null; // the index it was picked from, if any
  created: number; // ms since epoch when stored here
}

export interface NameRow {
  name: string; // "docker.io/library/busybox:latest" or "...busybox@sha256:..."
  image: Digest;
}

const schema = `
CREATE TABLE IF NOT EXISTS images(id TEXT PRIMARY KEY, manifest TEXT NOT NULL, index_digest TEXT, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS names(name TEXT PRIMARY KEY, image TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_image ON names(image);
CREATE TABLE IF NOT EXISTS layers(blob TEXT PRIMARY KEY, diff_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rootfs(container TEXT PRIMARY KEY, image TEXT NOT NULL, mode TEXT NOT NULL, path TEXT NOT NULL);
`;

export class Records {
  readonly db: Database;

  constructor(path: string) {
    this.db = openStore(path);
    this.db.exec(schema);
  }

  close(): void {
    this.db.close();
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  putImage(row: ImageRow): void {
    this.db
      .query("INSERT INTO images(id, manifest, index_digest, created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET manifest = ?2, index_digest = COALESCE(?3, index_digest)")
      .run(row.id, row.manifest, row.indexDigest, row.created);
  }

  image(id: string): ImageRow | undefined {
    const r = this.db.query("SELECT id, manifest, index_digest AS indexDigest, created FROM images WHERE id = ?").get(id);
    return (r as ImageRow | null) ?? undefined;
  }

  images(): ImageRow[] {
    return this.db.query("SELECT id, manifest, index_digest AS indexDigest, created FROM images ORDER BY created DESC").all() as ImageRow[];
  }

  /** Image ids whose id starts with a prefix (short ids). */
  imagesByPrefix(prefix: string): Digest[] {
    return (this.db.query("SELECT id FROM images WHERE id LIKE ?").all(`sha256:${prefix}%`) as { id: Digest }[]).map((r) => r.id);
  }

  deleteImage(id: string): void {
    this.db.query("DELETE FROM images WHERE id = ?").run(id);
  }

  /** Points a name at an image; returns the image it pointed at before, if another. */
  setName(name: string, image: Digest): Digest | undefined {
    const old = this.nameTarget(name);
    this.db.query("INSERT INTO names(name, image) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET image = ?2").run(name, image);
    return old && old !== image ? old : undefined;
  }

  nameTarget(name: string): Digest | undefined {
    const r = this.db.query("SELECT image FROM names WHERE name = ?").get(name) as { image: Digest } | null;
    return r?.image;
  }

  names(image?: string): NameRow[] {
    if (image) return this.db.query("SELECT name, image FROM names WHERE image = ? ORDER BY name").all(image) as NameRow[];
    return this.db.query("SELECT name, image FROM names ORDER BY name").all() as NameRow[];
  }

  deleteName(name: string): void {
    this.db.query("DELETE FROM names WHERE name = ?").run(name);
  }

  setDiffId(blob: Digest, diffId: Digest): void {
    this.db.query("INSERT OR REPLACE INTO layers(blob, diff_id) VALUES (?, ?)").run(blob, diffId);
  }

  diffIdOf(blob: Digest): Digest | undefined {
    const r = this.db.query("SELECT diff_id FROM layers WHERE blob = ?").get(blob) as { diff_id: Digest } | null;
    return r?.diff_id;
  }

  addRootfs(container: string, image: Digest, mode: string, path: string): void {
    this.db.query("INSERT INTO rootfs(container, image, mode, path) VALUES (?, ?, ?, ?)").run(container, image, mode, path);
  }

  rootfs(container: string): { container: string; image: Digest; mode: string; path: string } | undefined {
    return (this.db.query("SELECT container, image, mode, path FROM rootfs WHERE container = ?").get(container) as never) ?? undefined;
  }

  rootfsUsers(image?: string): { container: string; image: Digest }[] {
    if (image) return this.db.query("SELECT container, image FROM rootfs WHERE image = ?").all(image) as never;
    return this.db.query("SELECT container, image FROM rootfs").all() as never;
  }

  deleteRootfs(container: string): void {
    this.db.query("DELETE FROM rootfs WHERE container = ?").run(container);
  }
}
