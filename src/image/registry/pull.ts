// `pull`: reference → manifest (picking this platform from an index) → config → layers fetched in
// parallel, each unpacked as soon as it is complete → image recorded under repo:tag and repo@digest.
import { UserError } from "../../common/errors.ts";
import { type Digest, parseDigest } from "../digest.ts";
import { hostPlatform, pickManifest } from "../platform.ts";
import { formatReference, parseReference, type Reference, repositoryOf } from "../reference.ts";
import type { Image, ImageStore } from "../store.ts";
import { validateManifest } from "../store.ts";
import { type ImageConfig, type Index, isIndexType, type Manifest, type Platform } from "../types.ts";
import { RegistryClient, RegistryError } from "./client.ts";
import { apiHost, loadRegistriesConfig } from "./config.ts";
import { fetchBlob } from "./fetch-blob.ts";

export type PullEvent =
  | { kind: "resolved"; ref: string; digest: Digest }
  | { kind: "layer"; digest: Digest; status: "waiting" | "exists" | "downloading" | "extracting" | "done"; done?: number; total?: number };

export interface PullOptions {
  platform?: Platform;
  insecure?: boolean;
  onEvent?: (e: PullEvent) => void;
  concurrency?: number;
}

export async function pullImage(store: ImageStore, refText: string, opts: PullOptions = {}): Promise<{ image: Image; digest: Digest }> {
  const ref = parseReference(refText);
  const cfg = loadRegistriesConfig();
  const mirrors = cfg.mirrors[ref.domain] ?? [];
  const insecure = opts.insecure || cfg.insecure.includes(ref.domain);
  const endpoints = [...mirrors.map((m) => new RegistryClient(apiHost(ref.domain), { base: m, insecure })), new RegistryClient(apiHost(ref.domain), { insecure })];
  let lastErr: unknown;
  for (const client of endpoints) {
    try {
      return await pullFrom(store, client, ref, opts);
    } catch (e) {
      lastErr = e;
      // A mirror that lacks the image or is down: fall back to the next endpoint. Integrity errors stop.
      if (!(e instanceof RegistryError) || client === endpoints.at(-1)) throw e;
    }
  }
  throw lastErr;
}

async function pullFrom(store: ImageStore, client: RegistryClient, ref: Reference, opts: PullOptions): Promise<{ image: Image; digest: Digest }> {
  const repo = ref.path;
  const top = await client.manifest(repo, ref.digest ?? ref.tag!);
  opts.onEvent?.({ kind: "resolved", ref: formatReference(ref), digest: top.digest });
  let indexDigest: Digest | null = null;
  let m = top;
  if (isIndexType(top.mediaType)) {
    const index = JSON.parse(top.body.toString("utf8")) as Index;
    const chosen = pickManifest(index.manifests ?? [], opts.platform ?? hostPlatform());
    indexDigest = top.digest;
    m = await client.manifest(repo, parseDigest(chosen.digest, "manifest digest"));
    if (isIndexType(m.mediaType)) throw new UserError(`${formatReference(ref)}: nested indexes are not supported`);
  }
  const manifest = JSON.parse(m.body.toString("utf8")) as Manifest;
  validateManifest(manifest);
  const layers = manifest.layers;
  const all = [top.digest, m.digest, manifest.config.digest, ...layers.map((l) => l.digest)];
  return store.leases.hold(all, async () => {
    if (indexDigest) store.blobs.putBytes(top.body, indexDigest, "index");
    store.blobs.putBytes(m.body, m.digest, "manifest");
    await fetchBlob(client, repo, store.blobs, manifest.config.digest, manifest.config.size);
    const config = store.blobs.readJSON<ImageConfig>(manifest.config.digest);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== layers.length) throw new UserError(`image config lists ${diffIds.length} layers but its manifest has ${layers.length}`);
    for (const l of layers) opts.onEvent?.({ kind: "layer", digest: l.digest, status: store.layers.has(diffIds[layers.indexOf(l)]!) ? "exists" : "waiting" });
    // Bounded parallelism; each layer is unpacked right after its download, while others still download.
    const queue = layers.map((l, i) => ({ l, diffId: parseDigest(diffIds[i], "diff_id") }));
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const { l, diffId } = job;
        if (store.layers.has(diffId)) continue;
        await fetchBlob(client, repo, store.blobs, l.digest, l.size, (done, total) => opts.onEvent?.({ kind: "layer", digest: l.digest, status: "downloading", done, total }));
        opts.onEvent?.({ kind: "layer", digest: l.digest, status: "extracting" });
        await store.layers.ensure(l.digest, diffId, store.warn);
        opts.onEvent?.({ kind: "layer", digest: l.digest, status: "done" });
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, Math.max(1, layers.length)) }, worker));
    const repoName = repositoryOf(ref);
    const names = [`${repoName}@${top.digest}`];
    if (ref.tag && !ref.digest) names.unshift(`${repoName}:${ref.tag}`);
    const image = await store.commit(m.digest, names, indexDigest);
    return { image, digest: top.digest };
  });
}
