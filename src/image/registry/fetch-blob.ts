// Downloads one blob into the store: verified against its digest, resumable, safe with concurrent
// pulls. The partial download lives at <root>/ingest/<hex>.partial, guarded by <hex>.lock (flock,
// which dies with its holder). A pull killed midway leaves the partial file; the next pull takes
// the lock, re-hashes what is there and asks for the rest with a Range request
// (or starts over when the registry ignores the range). Another live process fetching the same
// blob is waited for instead of duplicated.
import * as fs from "node:fs";
import { type Digest, digestOf, hexOf, newHasher } from "../digest.ts";
import { DigestMismatchError, type BlobStore } from "../store/blobs.ts";
import type { RegistryClient } from "./client.ts";
import { RegistryError } from "./client.ts";
import { tryLockFile } from "../../linux/file-lock.ts";

export interface BlobProgress {
  (done: number, total: number): void;
}


export async function fetchBlob(client: RegistryClient, repo: string, blobs: BlobStore, digest: Digest, size: number, progress?: BlobProgress): Promise<void> {
  const lock = `${blobs.ingestDir}/${hexOf(digest)}.lock`;
  const partial = `${blobs.ingestDir}/${hexOf(digest)}.partial`;
  while (!blobs.has(digest)) {
    const held = tryLockFile(lock);
    if (!held) {
      await Bun.sleep(100); // another process is fetching it
      continue;
    }
    try {
      if (!blobs.has(digest)) await download(client, repo, blobs, digest, size, partial, progress);
    } finally {
      held.release();
    }
  }
  progress?.(size, size);
}

async function download(client: RegistryClient, repo: string, blobs: BlobStore, digest: Digest, size: number, partial: string, progress?: BlobProgress): Promise<void> {
  const h = newHasher();
  let have = 0;
  if (fs.existsSync(partial)) {
    // Resume: hash what an interrupted pull left.
    const fd = fs.openSync(partial, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      have += n;
    }
    fs.closeSync(fd);
    if (have > size) {
      fs.rmSync(partial);
      return download(client, repo, blobs, digest, size, partial, progress);
    }
  }
  const res = have > 0 && have < size ? await client.blob(repo, digest, have) : have === size && size > 0 ? undefined : await client.blob(repo, digest);
  let hasher = h;
  if (res && res.status !== 206 && have > 0) {
    // The registry ignored the range: start over.
    hasher = newHasher();
    have = 0;
    fs.truncateSync(partial, 0);
  }
  const fd = fs.openSync(partial, have > 0 ? "a" : "w", 0o644);
  try {
    if (res?.body) {
      for await (const chunk of res.body) {
        have += chunk.length;
        if (have > size) throw new RegistryError(`blob ${digest}: registry sent more than the ${size} bytes its descriptor says`);
        hasher.update(chunk);
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
        progress?.(have, size);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  const actual = digestOf(hasher);
  if (actual !== digest) {
    fs.rmSync(partial, { force: true });
    throw new DigestMismatchError(digest, actual, `blob ${digest} from ${client.host}/${repo}`);
  }
  blobs.commitFile(partial, digest, "blob", actual);
}
