// `load`: docker-archive tarballs (manifest.json + config + layer tars, old and docker 25+ style)
// and OCI image layouts (oci-layout + index.json + blobs/), plain or gzip/zstd compressed.
// Layer data streams straight into the blob store; every blob named by digest is verified.
import { UserError } from "../../common/errors.ts";
import { type Digest, decompress, isDigest, parseDigest, sha256 } from "../digest.ts";
import { hostPlatform, pickManifest } from "../platform.ts";
import { formatReference, parseReference } from "../reference.ts";
import type { Image, ImageStore } from "../store.ts";
import { readTar } from "../tar/reader.ts";
import { archiveInput } from "./input.ts";
import { compressionOf } from "../digest.ts";
import { type Descriptor, type Index, isIndexType, type Manifest, MediaType } from "../types.ts";

const SMALL = 1 << 20;

interface Archive {
  small: Map<string, Buffer>; // small metadata files, kept in memory
  stored: Map<string, Digest>; // path → blob digest, for files streamed into the store
}

function cleanPath(p: string): string {
  return p.split("/").filter((c) => c && c !== ".").join("/");
}

/** Bytes of one large archive member (a layer, in practice) stored so far. */
export interface LoadEvent {
  path: string;
  done: number;
  total: number;
}

async function* counted(body: AsyncIterable<Uint8Array>, report: (done: number) => void): AsyncIterable<Uint8Array> {
  let done = 0;
  report(0);
  for await (const chunk of body) {
    yield chunk;
    report((done += chunk.length));
  }
}

async function readArchive(store: ImageStore, source: AsyncIterable<Uint8Array>, onLayer?: (e: LoadEvent) => void): Promise<Archive> {
  const small = new Map<string, Buffer>();
  const stored = new Map<string, Digest>();
  const links = new Map<string, string>();
  for await (const e of readTar(decompress(source))) {
    const path = cleanPath(e.name);
    if (e.type === "symlink" || e.type === "link") {
      const base = e.type === "symlink" && !e.linkname.startsWith("/") ? path.split("/").slice(0, -1).concat(e.linkname).join("/") : e.linkname;
      links.set(path, cleanPath(base.split("/").reduce<string[]>((a, c) => (c === ".." ? a.slice(0, -1) : [...a, c]), []).join("/")));
      continue;
    }
    if (e.type !== "file") continue;
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
    if (e.size <= SMALL && (!m || e.size < 64 * 1024)) {
      const chunks: Uint8Array[] = [];
      for await (const c of e.body()) chunks.push(c);
      const data = Buffer.concat(chunks);
      if (m && sha256(data) !== `sha256:${m[1]}`) throw new UserError(`archive blob ${path}: digest mismatch`);
      small.set(path, data);
      continue;
    }
    const body = onLayer ? counted(e.body(), (done) => onLayer({ path, done, total: e.size })) : e.body();
    const { digest } = await store.blobs.putStream(body, m ? (`sha256:${m[1]}` as Digest) : undefined, `archive file ${path}`);
    stored.set(path, digest);
  }
  for (const [from, to] of links) {
    if (small.has(to)) small.set(from, small.get(to)!);
    else if (stored.has(to)) stored.set(from, stored.get(to)!);
  }
  return { small, stored };
}

/** Puts an archive file into the blob store (small files were kept in memory) and returns its digest. */
function blobOf(store: ImageStore, a: Archive, path: string, what: string): Digest {
  const p = cleanPath(path);
  const d = a.stored.get(p);
  if (d) return d;
  const data = a.small.get(p);
  if (!data) throw new UserError(`archive is missing ${what} '${path}'`);
  return store.blobs.putBytes(data);
}

function json<T>(a: Archive, path: string): T | undefined {
  const b = a.small.get(path);
  if (!b) return undefined;
  try {
    return JSON.parse(b.toString("utf8")) as T;
  } catch {
    throw new UserError(`archive file ${path} is not valid JSON`);
  }
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export async function loadArchive(store: ImageStore, file: string, onProgress?: (e: LoadEvent) => void): Promise<Image[]> {
  const source = archiveInput(file);
  // Hold a lease on the whole load: nothing it stored is collected until it has committed.
  return store.leases.hold([], async () => {
    const a = await readArchive(store, source, onProgress);
    const dockerManifest = json<DockerArchiveEntry[]>(a, "manifest.json");
    if (dockerManifest) return loadDocker(store, a, dockerManifest);
    const index = json<Index>(a, "index.json");
    if (index && a.small.has("oci-layout")) return loadOci(store, a, index);
    throw new UserError("unrecognized image archive: neither manifest.json (docker-archive) nor oci-layout/index.json (OCI layout)");
  });
}

async function loadDocker(store: ImageStore, a: Archive, entries: DockerArchiveEntry[]): Promise<Image[]> {
  if (!Array.isArray(entries)) throw new UserError("manifest.json: expected a list of images");
  const out: Image[] = [];
  for (const ent of entries) {
    const config = blobOf(store, a, ent.Config, "config");
    const layers: Descriptor[] = ent.Layers.map((l) => {
      const digest = blobOf(store, a, l, "layer");
      const kind = compressionOf(store.blobs.head(digest, 4));
      const mediaType = kind === "gzip" ? MediaType.ociLayerGzip : kind === "zstd" ? MediaType.ociLayerZstd : MediaType.ociLayer;
      return { mediaType, digest, size: store.blobs.size(digest) };
    });
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: config, size: store.blobs.size(config) },
      layers,
    };
    const md = store.blobs.putBytes(Buffer.from(JSON.stringify(manifest)));
    const names = (ent.RepoTags ?? []).map((t) => formatReference(parseReference(t)));
    out.push(await store.commit(md, names));
  }
  return out;
}

async function loadOci(store: ImageStore, a: Archive, index: Index): Promise<Image[]> {
  const out: Image[] = [];
  for (const desc of index.manifests ?? []) {
    let d = parseDigest(desc.digest, "manifest digest");
    let indexDigest: Digest | null = null;
    const bytes = (dg: Digest) => a.small.get(`blobs/sha256/${dg.slice(7)}`) ?? (a.stored.has(`blobs/sha256/${dg.slice(7)}`) ? store.blobs.read(dg) : undefined);
    let doc = bytes(d);
    if (!doc) throw new UserError(`OCI layout is missing manifest ${d}`);
    let parsed = JSON.parse(doc.toString("utf8")) as Manifest | Index;
    if (isIndexType(desc.mediaType) || "manifests" in parsed) {
      store.blobs.putBytes(doc, d);
      indexDigest = d;
      d = pickManifest((parsed as Index).manifests, hostPlatform()).digest;
      doc = bytes(d);
      if (!doc) throw new UserError(`OCI layout is missing manifest ${d} for this platform`);
      parsed = JSON.parse(doc.toString("utf8"));
    }
    const m = parsed as Manifest;
    store.blobs.putBytes(doc, d, "manifest");
    for (const blob of [m.config, ...(m.layers ?? [])]) {
      if (!store.blobs.has(blob.digest)) {
        const small = a.small.get(`blobs/sha256/${String(blob.digest).slice(7)}`);
        if (!small || !isDigest(blob.digest)) throw new UserError(`OCI layout is missing blob ${blob.digest}`);
        store.blobs.putBytes(small, blob.digest);
      }
    }
    const refName = desc.annotations?.["io.containerd.image.name"] ?? desc.annotations?.["org.opencontainers.image.ref.name"];
    const names: string[] = [];
    if (refName) {
      // A bare tag ("latest") names nothing by itself: docker/podman use the containerd annotation.
      const full = /^[\w][\w.-]{0,127}$/.test(refName) && !refName.includes("/") && !desc.annotations?.["io.containerd.image.name"] ? undefined : refName;
      if (full) names.push(formatReference(parseReference(full)));
    }
    out.push(await store.commit(d, names, indexDigest));
  }
  return out;
}
