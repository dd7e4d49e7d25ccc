// Unpacked layers: <root>/layers/<diffID hex>/, each one layer's own files with overlayfs-style
// whiteouts, unpacked once and shared by every image (and container) that uses it. A layer is
// unpacked into a temp dir beside it, its uncompressed digest checked against the config's
// diff_id, then renamed into place, so an existing layer dir is always complete. Two processes
// unpacking the same layer at once both finish; one rename wins and the other copy is removed.
import * as fs from "node:fs";
import { randomHex } from "../../common/random.ts";
import { type Digest, decompress, digestOf, hexOf, newHasher, readFileChunks, tap } from "../digest.ts";
import { unpackLayer } from "../unpack.ts";
import { DigestMismatchError, type BlobStore } from "./blobs.ts";
import type { Records } from "./db.ts";
import { isAlive } from "../../linux/proc.ts";

export class LayerStore {
  readonly dir: string;

  constructor(readonly root: string, readonly blobs: BlobStore, readonly records: Records) {
    this.dir = `${root}/layers`;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  path(diffId: Digest): string {
    return `${this.dir}/${hexOf(diffId)}`;
  }

  has(diffId: Digest): boolean {
    return fs.existsSync(this.path(diffId));
  }

  /** Unpacks a layer blob unless already there; verifies its uncompressed digest (diff_id). */
  async ensure(blob: Digest, diffId: Digest, onWarning?: (m: string) => void): Promise<void> {
    if (this.has(diffId)) return;
    const tmp = `${this.dir}/.tmp-${process.pid}-${randomHex(6)}`;
    fs.mkdirSync(tmp, 0o755);
    try {
      const actual = await unpackInto(this.blobs.path(blob), tmp, "layer", onWarning);
      if (actual !== diffId) throw new DigestMismatchError(diffId, actual, `layer ${blob} uncompressed content (diff_id)`);
      this.records.setDiffId(blob, diffId);
      try {
        fs.renameSync(tmp, this.path(diffId));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
        fs.rmSync(tmp, { recursive: true, force: true }); // someone else finished first
      }
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  list(): Digest[] {
    return fs.readdirSync(this.dir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}` as Digest);
  }

  remove(diffId: Digest): void {
    // Rename first so a half-removed layer is never seen under its real name.
    const doomed = `${this.dir}/.rm-${hexOf(diffId)}-${randomHex(4)}`;
    try {
      fs.renameSync(this.path(diffId), doomed);
    } catch {
      return;
    }
    fs.rmSync(doomed, { recursive: true, force: true });
  }

  /** Leftovers of interrupted unpacks and removals (dead processes' temp dirs). */
  cleanTemp(): void {
    for (const n of fs.readdirSync(this.dir)) {
      const m = /^\.tmp-(\d+)-/.exec(n);
      if (n.startsWith(".rm-") || (m && !isAlive(Number(m[1])))) fs.rmSync(`${this.dir}/${n}`, { recursive: true, force: true });
    }
  }
}


/** Unpacks a (possibly compressed) layer file into dir; returns the uncompressed stream's digest. */
export async function unpackInto(file: string, dir: string, mode: "layer" | "apply", onWarning?: (m: string) => void): Promise<Digest> {
  const h = newHasher();
  const stream = tap(decompress(readFileChunks(file)), h);
  await unpackLayer(stream, dir, { mode, onWarning });
  for await (const _ of stream); // the digest covers the bytes after the end-of-archive marker too
  return digestOf(h);
}
