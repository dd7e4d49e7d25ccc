// Volumes: docker's local driver. Each volume is a directory <root>/volumes/NAME/_data and a row
// in the engine's containers.db (table `volumes`: created time, labels, options), so one SQLite
// transaction sees both a volume and the containers that use it (their records' Mounts):
//   - concurrent creates of one name make one volume (PRIMARY KEY; a second create returns it,
//     as docker's does);
//   - a container's volumes are made and recorded in its row in one transaction, and `rm` checks
//     users, deletes the row and renames the directory away in one, so a volume is never removed
//     between a container claiming it and using it.
// Anonymous volumes (`-v /path`) carry docker 23+'s com.docker.volume.anonymous label.
import type { Database } from "bun:sqlite";
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { openStore } from "../common/sqlite.ts";
import { randomHex } from "../common/random.ts";
import type { EnginePaths } from "./paths.ts";
import type { MountPoint } from "./types.ts";
import type { PlannedMount } from "./mount-plan.ts";
import { ANONYMOUS_LABEL, checkVolumeName, generateVolumeName } from "./volume-spec.ts";
import { volumeLsFilter, volumePruneFilter } from "./volume-filters.ts";

/** What `volume inspect` prints (docker's types/volume.Volume, the local driver's fields). */
export interface Volume {
  CreatedAt: string;
  Driver: "local";
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: "local";
}

export interface VolumeCreateOptions {
  /** Default: a generated 64-hex name. */
  name?: string;
  labels?: Record<string, string>;
  /** Only "local". */
  driver?: string;
}

export interface VolumePruneReport {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS volumes (
  name TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  labels TEXT,
  options TEXT
);`;

// Names of the volumes the containers' records mount (complete or still being created).
const USERS = `SELECT c.id AS id FROM containers c, json_each(c.doc, '$.Mounts') m
  WHERE json_extract(m.value, '$.Type') = 'volume' AND json_extract(m.value, '$.Name') = ?`;
const USED = `SELECT DISTINCT json_extract(m.value, '$.Name') AS name FROM containers c, json_each(c.doc, '$.Mounts') m
  WHERE json_extract(m.value, '$.Type') = 'volume'`;

interface RawVolume {
  name: string;
  created: string;
  labels: string | null;
  options: string | null;
}

/** Docker's CreatedAt: RFC 3339 to the second. */
function createdAt(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** Bytes of the regular files and links under `dir` (docker's directory.Size), for prune's report. */
function diskUsage(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const st = lstatSync(`${dir}/${name}`, { throwIfNoEntry: false });
    if (!st) continue;
    total += st.isDirectory() ? diskUsage(`${dir}/${name}`) : st.size;
  }
  return total;
}

export class Volumes {
  private dbHandle?: Database;

  constructor(private readonly paths: EnginePaths) {}

  private get db(): Database {
    if (!this.dbHandle) {
      this.dbHandle = openStore(this.paths.db); // the containers table exists: Engine opened it first
      this.dbHandle.run(SCHEMA);
    }
    return this.dbHandle;
  }

  close(): void {
    this.dbHandle?.close();
    this.dbHandle = undefined;
  }

  private toVolume(r: RawVolume): Volume {
    return {
      CreatedAt: r.created, Driver: "local", Labels: r.labels ? JSON.parse(r.labels) : null,
      Mountpoint: this.paths.volume(r.name), Name: r.name, Options: r.options ? JSON.parse(r.options) : null, Scope: "local",
    };
  }

  private row(name: string): RawVolume | null {
    return this.db.query("SELECT * FROM volumes WHERE name = ?").get(name) as RawVolume | null;
  }

  /** In a transaction: the volume's row and directory, made when missing (an existing one is kept as is). */
  private ensure(name: string, labels: Record<string, string> | null): Volume {
    const has = labels && Object.keys(labels).length ? JSON.stringify(labels) : null;
    this.db.query("INSERT OR IGNORE INTO volumes (name, created, labels, options) VALUES (?, ?, ?, NULL)").run(name, createdAt(), has);
    mkdirSync(this.paths.volume(name), { recursive: true, mode: 0o755 });
    return this.toVolume(this.row(name)!);
  }

  /** `volume create`: docker returns an existing volume of that name unchanged. */
  create(opts: VolumeCreateOptions = {}): Volume {
    if (opts.driver && opts.driver !== "local") throw new UserError(`create ${opts.name ?? ""}: volume driver "${opts.driver}" is not supported (only "local")`, 1);
    // moby marks a volume created without a name anonymous too (prunable without --all).
    const name = opts.name ? checkVolumeName(opts.name) : generateVolumeName();
    const labels = opts.name ? (opts.labels ?? null) : { ...opts.labels, [ANONYMOUS_LABEL]: "" };
    return this.db.transaction(() => this.ensure(name, labels)).immediate();
  }

  inspect(name: string): Volume {
    const r = this.row(name);
    if (!r) throw new UserError(`get ${name}: no such volume`, 1);
    return this.toVolume(r);
  }

  /** Every volume, by name; `filters`: volume ls's (dangling=, name=, driver=, label=, label!=). */
  list(filters: readonly string[] = []): Volume[] {
    const keep = volumeLsFilter(filters);
    const used = this.usedNames();
    return (this.db.query("SELECT * FROM volumes ORDER BY name").all() as RawVolume[])
      .map((r) => this.toVolume(r))
      .filter((v) => keep(v, used.has(v.Name)));
  }

  /** Ids of the containers (running or not) whose records mount the volume. */
  usedBy(name: string): string[] {
    return (this.db.query(USERS).all(name) as { id: string }[]).map((r) => r.id);
  }

  private usedNames(): Set<string> {
    return new Set((this.db.query(USED).all() as { name: string }[]).map((r) => r.name));
  }

  /**
   * `volume rm`: refused while a container uses it (docker's "volume is in use - [ids]"); a missing
   * one is docker's "no such volume", ignored with `force`. Returns the bytes its files held.
   */
  remove(name: string, opts: { force?: boolean } = {}): number {
    const trash = this.db.transaction(() => {
      if (!this.row(name)) {
        if (opts.force) return undefined;
        throw new UserError(`get ${name}: no such volume`, 1);
      }
      const users = this.usedBy(name);
      if (users.length) throw new UserError(`remove ${name}: volume is in use - [${users.join(", ")}]`, 1);
      this.db.query("DELETE FROM volumes WHERE name = ?").run(name);
      // Renamed away under the write lock: a create that follows makes a fresh directory.
      const dir = `${this.paths.root}/volumes/${name}`;
      const away = `${this.paths.root}/volumes/.removing-${randomHex(8)}`;
      try {
        renameSync(dir, away);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        return undefined;
      }
      return away;
    }).immediate();
    if (!trash) return 0;
    const size = diskUsage(trash);
    rmSync(trash, { recursive: true, force: true });
    return size;
  }

  /** `volume prune`: unused anonymous volumes (all unused ones with `all`), filtered by label=/label!=/all=. */
  prune(opts: { filters?: readonly string[]; all?: boolean } = {}): VolumePruneReport {
    const keep = volumePruneFilter(opts.filters ?? [], opts.all);
    const used = this.usedNames();
    const report: VolumePruneReport = { VolumesDeleted: [], SpaceReclaimed: 0 };
    for (const v of this.list()) {
      if (used.has(v.Name) || !keep(v)) continue;
      try {
        report.SpaceReclaimed += this.remove(v.Name, { force: true });
        report.VolumesDeleted.push(v.Name);
      } catch (err) {
        if (!(err instanceof UserError)) throw err; // taken into use meanwhile: kept
      }
    }
    return report;
  }

  /**
   * A container's planned mounts (mount-plan.ts) → its Mounts: bind sources checked (or made, for
   * -v), volumes made (anonymous ones labelled) and recorded in the container's row in one
   * transaction, then copied up from `rootfs` while still empty.
   */
  mountFor(containerId: string, plan: readonly PlannedMount[], rootfs: string): MountPoint[] {
    for (const p of plan) {
      if (p.point.Type !== "bind" || !p.missingSource || existsSync(p.point.Source)) continue;
      if (p.missingSource === "refuse")
        throw new UserError(`invalid mount config for type "bind": bind source path does not exist: ${p.point.Source}`, 125);
      mkdirSync(p.point.Source, { recursive: true, mode: 0o755 }); // docker's -v makes it, a directory
    }
    const mounts = plan.map((p) => p.point);
    const volumes = plan.filter((p) => p.point.Type === "volume");
    if (!volumes.length) return mounts;
    // Loaded here: the path resolver they use (cp/) is not needed by commands that mount no volume.
    const { copyUp, checkImageVolume } = require("./volume-copyup.ts") as typeof import("./volume-copyup.ts");
    for (const p of volumes) if (p.fromImage) checkImageVolume(rootfs, p.point.Destination);
    this.db.transaction(() => {
      for (const p of volumes) this.ensure(p.point.Name!, p.anonymous ? { ...p.labels, [ANONYMOUS_LABEL]: "" } : (p.labels ?? null));
      this.db.query("UPDATE containers SET doc = json_set(doc, '$.Mounts', json(?)) WHERE id = ?").run(JSON.stringify(mounts), containerId);
    }).immediate();
    for (const p of volumes) if (p.copy) copyUp(rootfs, p.point.Destination, this.paths.volume(p.point.Name!), p.point.Name!);
    return mounts;
  }

  /** After a container's removal (`rm -v`, --rm): its anonymous volumes that no other container uses. */
  removeAnonymous(mounts: readonly MountPoint[]): void {
    for (const m of mounts) {
      if (m.Type !== "volume" || !m.Name) continue;
      const v = this.row(m.Name);
      if (!v || !(ANONYMOUS_LABEL in (v.labels ? JSON.parse(v.labels) : {}))) continue;
      try {
        this.remove(m.Name, { force: true });
      } catch (err) {
        if (!(err instanceof UserError)) throw err; // still used by another container (docker keeps it too)
      }
    }
  }
}

/** True when a container's mounts include a volume (so its removal may have volumes to drop). */
export function hasVolumeMounts(mounts: readonly MountPoint[] | undefined): boolean {
  return !!mounts?.some((m) => m.Type === "volume");
}
