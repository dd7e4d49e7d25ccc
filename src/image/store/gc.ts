// Garbage collection of blobs and layer dirs no image refers to. A pull in progress holds a lease
// (<root>/leases/<pid>: the digests it is fetching) so GC run by another process at the same time
// never deletes what that pull is about to commit; leases of dead processes are ignored.
import * as fs from "node:fs";
import type { Digest } from "../digest.ts";
import type { ImageConfig, Manifest } from "../types.ts";
import type { BlobStore } from "./blobs.ts";
import type { Records } from "./db.ts";
import type { LayerStore } from "./layers.ts";
import { isAlive } from "../../linux/proc.ts";

let holds = 0;

export class Leases {
  readonly dir: string;
  constructor(root: string) {
    this.dir = `${root}/leases`;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Adds digests to this process's lease for the duration of fn; no digests means "all": GC waits
   * (deletes nothing) until fn is done, for loads whose digests are only known as they stream in.
   */
  async hold<T>(digests: Digest[], fn: () => Promise<T>): Promise<T> {
    const file = `${this.dir}/${process.pid}-${++holds}`; // one file per hold: concurrent holds in one process
    fs.appendFileSync(file, (digests.length ? digests.join("\n") : "*") + "\n");
    try {
      return await fn();
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  live(): Set<string> {
    const out = new Set<string>();
    for (const n of fs.readdirSync(this.dir)) {
      const pid = Number(n.split("-")[0]);
      if (!isAlive(pid)) {
        fs.rmSync(`${this.dir}/${n}`, { force: true });
        continue;
      }
      for (const d of fs.readFileSync(`${this.dir}/${n}`, "utf8").split("\n")) if (d) out.add(d);
    }
    return out;
  }
}

export interface GcResult {
  blobs: Digest[];
  layers: Digest[];
  bytes: number;
}

export function collectGarbage(records: Records, blobs: BlobStore, layers: LayerStore, leases: Leases): GcResult {
  const keep = leases.live();
  if (keep.has("*")) return { blobs: [], layers: [], bytes: 0 };
  const keepLayers = new Set<string>(keep);
  for (const img of records.images()) {
    keep.add(img.id).add(img.manifest);
    if (img.indexDigest) keep.add(img.indexDigest);
    try {
      const m = blobs.readJSON<Manifest>(img.manifest);
      for (const l of m.layers) keep.add(l.digest);
      for (const d of blobs.readJSON<ImageConfig>(img.id).rootfs.diff_ids) keepLayers.add(d);
    } catch {
      // A damaged record keeps what it names; nothing more to learn from it.
    }
  }
  const out: GcResult = { blobs: [], layers: [], bytes: 0 };
  for (const d of blobs.list()) {
    if (keep.has(d)) continue;
    try {
      out.bytes += blobs.size(d);
    } catch {}
    blobs.remove(d);
    out.blobs.push(d);
  }
  for (const d of layers.list()) {
    if (keepLayers.has(d)) continue;
    layers.remove(d);
    out.layers.push(d);
  }
  layers.cleanTemp();
  return out;
}
