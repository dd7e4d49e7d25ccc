// Content-addressed blobs: <root>/blobs/sha256/<hex>. A blob is written to a temp file in
// <root>/ingest, hashed while written, verified against the digest it claims, fsynced and renamed
// into place, so a blob path that exists always holds exactly its digest's bytes. Concurrent
// writers of the same blob each write their own temp file; the rename is idempotent.
import * as fs from "node:fs";
import { randomHex } from "../../common/random.ts";
import { UserError } from "../../common/errors.ts";
import { type Digest, digestOf, hexOf, newHasher, sha256 } from "../digest.ts";

export class DigestMismatchError extends UserError {
  constructor(readonly expected: Digest, readonly actual: Digest, what: string) {
    super(`${what}: digest mismatch (expected ${expected}, got ${actual})`);
  }
}

export class BlobStore {
  readonly dir: string;
  readonly ingestDir: string;

  constructor(readonly root: string) {
    this.dir = `${root}/blobs/sha256`;
    this.ingestDir = `${root}/ingest`;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
  }

  path(d: Digest): string {
    return `${this.dir}/${hexOf(d)}`;
  }

  has(d: Digest): boolean {
    return fs.existsSync(this.path(d));
  }

  size(d: Digest): number {
    return fs.statSync(this.path(d)).size;
  }

  read(d: Digest): Buffer {
    return fs.readFileSync(this.path(d));
  }

  /** The first n bytes (compression magic). */
  head(d: Digest, n: number): Buffer {
    const fd = fs.openSync(this.path(d), "r");
    try {
      const buf = Buffer.alloc(n);
      return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
    } finally {
      fs.closeSync(fd);
    }
  }

  readJSON<T>(d: Digest): T {
    return JSON.parse(this.read(d).toString("utf8")) as T;
  }

  tempPath(tag = "tmp"): string {
    return `${this.ingestDir}/${tag}-${process.pid}-${randomHex(6)}`;
  }

  /** Stores bytes; when `expected` is given the bytes must hash to it. */
  putBytes(data: Uint8Array, expected?: Digest, what = "blob"): Digest {
    const d = sha256(data);
    if (expected && d !== expected) throw new DigestMismatchError(expected, d, what);
    if (this.has(d)) return d;
    const tmp = this.tempPath();
    const fd = fs.openSync(tmp, "wx", 0o644);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.path(d));
    return d;
  }

  /**
   * Moves a complete temp file into the store after checking its hash (computed while writing, or
   * here from the file). On mismatch the temp file is removed and DigestMismatchError thrown.
   */
  commitFile(tmp: string, expected: Digest | undefined, what = "blob", actual?: Digest): Digest {
    const d = actual ?? hashFile(tmp);
    if (expected && d !== expected) {
      fs.rmSync(tmp, { force: true });
      throw new DigestMismatchError(expected, d, what);
    }
    const fd = fs.openSync(tmp, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.path(d));
    return d;
  }

  /** Streams a source into the store, verifying against `expected` when given. */
  async putStream(source: AsyncIterable<Uint8Array>, expected?: Digest, what = "blob"): Promise<{ digest: Digest; size: number }> {
    const tmp = this.tempPath();
    const h = newHasher();
    let size = 0;
    const fd = fs.openSync(tmp, "wx", 0o644);
    try {
      for await (const chunk of source) {
        h.update(chunk);
        size += chunk.length;
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      }
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    return { digest: this.commitFile(tmp, expected, what, digestOf(h)), size };
  }

  list(): Digest[] {
    return fs.readdirSync(this.dir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}` as Digest);
  }

  remove(d: Digest): void {
    fs.rmSync(this.path(d), { force: true });
  }
}

export function hashFile(path: string): Digest {
  const h = newHasher();
  const fd = fs.openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return digestOf(h);
}
