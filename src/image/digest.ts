// Digests (sha256 only, as every registry and docker use) and stream helpers around them.
// node:crypto, node:zlib and node:stream are loaded when first used: together they cost ~5 ms of
// start-up in a compiled binary, and commands that only look images up (nsbox run) need none.
import type { Hash } from "node:crypto";
import { UserError } from "../common/errors.ts";
import { sha256Hex } from "../common/hash.ts";

const createHash = (alg: string): Hash => (require("node:crypto") as typeof import("node:crypto")).createHash(alg);

export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** Validates a digest from untrusted input (manifests, archives); it becomes part of file paths. */
export function parseDigest(s: unknown, what = "digest"): Digest {
  if (typeof s !== "string" || !DIGEST_RE.test(s)) {
    if (typeof s === "string" && /^[a-z0-9]+:/.test(s) && !s.startsWith("sha256:")) {
      throw new UserError(`unsupported ${what} algorithm in '${s}' (only sha256)`);
    }
    throw new UserError(`invalid ${what} '${String(s)}'`);
  }
  return s;
}

export function hexOf(d: Digest): string {
  return d.slice(7);
}

export function sha256(data: Uint8Array | string): Digest {
  return `sha256:${sha256Hex(data)}`;
}

export function newHasher(): Hash {
  return createHash("sha256");
}

export function digestOf(h: Hash): Digest {
  return `sha256:${h.digest("hex")}`;
}

/** Passes chunks through while feeding them to a hasher (and counting bytes). */
export async function* tap(source: AsyncIterable<Uint8Array>, h: Hash, count?: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    h.update(chunk);
    if (count) count.bytes += chunk.length;
    yield chunk;
  }
}

export type Compression = "gzip" | "zstd" | "none";

export function compressionOf(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

/** Decompresses gzip or zstd by their magic bytes; anything else passes through unchanged. */
export async function* decompress(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest = (async function* () {
    yield first.value;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  const kind = compressionOf(first.value);
  if (kind === "none") {
    yield* rest;
    return;
  }
  const zlib = require("node:zlib") as typeof import("node:zlib");
  const { pipeline, Readable } = require("node:stream") as typeof import("node:stream");
  const z = kind === "gzip" ? zlib.createGunzip({ chunkSize: 256 * 1024 }) : zlib.createZstdDecompress();
  // pipeline (not pipe) so that a failing source also fails the decompressor we iterate.
  pipeline(Readable.from(rest), z, () => {});
  for await (const chunk of z) yield chunk as Uint8Array;
}

/** A file's bytes as chunks. */
export async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = Bun.file(path).stream();
  for await (const chunk of stream) yield chunk;
}
