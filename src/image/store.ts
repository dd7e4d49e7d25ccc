// The image store: what the engine and the CLI use. Blobs, unpacked layers, names, container
// root filesystems; see docs/images.md for the layout on disk.
import { printErr } from "../common/output.ts";
import * as fs from "node:fs";
import { UserError } from "../common/errors.ts";
import { type Digest, parseDigest } from "./digest.ts";
import { formatReference, parseReference, ReferenceError_, repositoryOf } from "./reference.ts";
import { BlobStore } from "./store/blobs.ts";
import { type ImageRow, Records } from "./store/db.ts";
import { collectGarbage, type GcResult, Leases } from "./store/gc.ts";
import { LayerStore } from "./store/layers.ts";
import { createRootfs, destroyRootfs, type InitLayer, markedImage, withInitLayer, type PreparedRootfs, type RootfsMode, validateContainerId } from "./store/rootfs.ts";
import { type ImageConfig, type Manifest, manifestTypes } from "./types.ts";

export const DEFAULT_ROOT = "/var/lib/nsbox";

/** The image store dir for an nsbox root (flag, $NSBOX_ROOT, or /var/lib/nsbox). */
export function imageRoot(root?: string): string {
  return `${root ?? process.env.NSBOX_ROOT ?? DEFAULT_ROOT}/image`;
}

export interface Image extends ImageRow {
  names: string[];
  /** On commit()'s result only: the names that commit set (an archive's tags, a pull's name). */
  tagged?: string[];
}

export interface RemoveResult {
  untagged: string[];
  deleted: Digest[];
}

export class ImageStore {
  readonly blobs: BlobStore;
  readonly records: Records;
  readonly layers: LayerStore;
  readonly leases: Leases;
  warn: (message: string) => void = (m) => printErr(`nsbox: warning: ${m}`);

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    this.blobs = new BlobStore(root);
    this.records = new Records(`${root}/images.db`);
    this.layers = new LayerStore(root, this.blobs, this.records);
    this.leases = new Leases(root);
  }

  static open(nsboxRoot?: string): ImageStore {
    return new ImageStore(imageRoot(nsboxRoot));
  }

  close(): void {
    this.records.close();
  }

  private withNames(row: ImageRow): Image {
    return { ...row, names: this.records.names(row.id).map((n) => n.name) };
  }

  /** Finds an image by name (busybox, busybox:1.36, repo@sha256:…), image id or unique id prefix. */
  resolve(ref: string): Image | undefined {
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch (e) {
      if (!(e instanceof ReferenceError_)) throw e;
    }
    if (parsed) {
      const id = this.records.nameTarget(formatReference(parsed));
      if (id) return this.withNames(this.records.image(id)!);
      if (parsed.digest) {
        // repo@digest of a manifest or index pulled under another name of the same repository
        const repo = repositoryOf(parsed);
        for (const row of this.records.images()) {
          if (row.manifest !== parsed.digest && row.indexDigest !== parsed.digest) continue;
          const img = this.withNames(row);
          if (img.names.some((n) => n.startsWith(repo + ":") || n.startsWith(repo + "@"))) return img;
        }
      }
    }
    const m = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref);
    if (m) {
      const ids = this.records.imagesByPrefix(m[1]!);
      if (ids.length > 1) throw new UserError(`short id '${ref}' is ambiguous (${ids.length} images)`);
      if (ids.length === 1) return this.withNames(this.records.image(ids[0]!)!);
    }
    return undefined;
  }

  get(ref: string): Image {
    const img = this.resolve(ref);
    if (!img) throw new UserError(`No such image: ${ref}`);
    return img;
  }

  list(): Image[] {
    return this.records.images().map((r) => this.withNames(r));
  }

  manifest(img: ImageRow): Manifest {
    return this.blobs.readJSON<Manifest>(img.manifest);
  }

  config(img: ImageRow): ImageConfig {
    return this.blobs.readJSON<ImageConfig>(img.id);
  }

  /** Bytes of the image's layers as stored (compressed). */
  size(img: ImageRow): number {
    return this.manifest(img).layers.reduce((n, l) => n + (l.size || 0), 0);
  }

  /**
   * Records an image whose manifest, config and layer blobs are all in the blob store: checks them
   * against each other, unpacks missing layers (in parallel), then names it — all names in one
   * transaction. Returns the image.
   */
  async commit(manifestDigest: Digest, names: string[], indexDigest: Digest | null = null): Promise<Image> {
    const manifest = this.blobs.readJSON<Manifest>(manifestDigest);
    validateManifest(manifest);
    const configDigest = parseDigest(manifest.config.digest, "config digest");
    const config = this.blobs.readJSON<ImageConfig>(configDigest);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new UserError(`image config lists ${diffIds.length} layers but its manifest has ${manifest.layers.length}`);
    }
    await Promise.all(
      manifest.layers.map((l, i) => this.layers.ensure(l.digest, parseDigest(diffIds[i], "diff_id"), (m) => this.warn(m))),
    );
    this.records.tx(() => {
      this.records.putImage({ id: configDigest, manifest: manifestDigest, indexDigest, created: Date.now() });
      for (const n of names) this.records.setName(n, configDigest);
    });
    return { ...this.withNames(this.records.image(configDigest)!), tagged: names };
  }

  /** `tag SOURCE TARGET`: TARGET must be a name (no digest). */
  tag(source: string, target: string): string {
    const img = this.get(source);
    const ref = parseReference(target);
    if (ref.digest) throw new UserError(`refusing to create a tag with a digest reference: ${target}`);
    const name = formatReference(ref);
    this.records.setName(name, img.id);
    return name;
  }

  /** `rmi`: untags a name, or deletes an image with all its names (docker's rules). */
  remove(ref: string, force = false): RemoveResult {
    const img = this.get(ref);
    const out: RemoveResult = { untagged: [], deleted: [] };
    let byName: string | undefined;
    try {
      const n = formatReference(parseReference(ref));
      if (img.names.includes(n)) byName = n;
    } catch {}
    const tags = img.names.filter((n) => !n.includes("@"));
    // Removing one of several tags only untags (its repo@digest names go with the last tag of the repo).
    if (byName && tags.length > 1 && !byName.includes("@")) {
      this.records.deleteName(byName);
      return { untagged: [byName], deleted: [] };
    }
    if (!byName && tags.length > 1 && !force) {
      throw new UserError(`conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`, 1);
    }
    const users = this.rootfsUsers(img.id);
    if (users.length > 0 && !force) {
      throw new UserError(`conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0]!.container} is using its referenced image ${img.id.slice(7, 19)}`, 1);
    }
    this.records.tx(() => {
      for (const n of img.names) this.records.deleteName(n);
      if (users.length === 0) this.records.deleteImage(img.id);
    });
    out.untagged = img.names;
    if (users.length === 0) {
      out.deleted.push(img.id);
      this.gc();
    }
    return out;
  }

  /**
   * `image prune`: removes dangling images (no names), or with `all` every image no container uses;
   * `selected` (the --filter) may keep some of those.
   */
  prune(all = false, selected: (img: Image) => boolean = () => true): { deleted: Digest[]; reclaimed: number } {
    const inUse = new Set(this.rootfsUsers().map((u) => u.image));
    const deleted: Digest[] = [];
    for (const img of this.list()) {
      if (inUse.has(img.id) || (!all && img.names.length > 0) || !selected(img)) continue;
      this.records.tx(() => {
        for (const n of img.names) this.records.deleteName(n);
        this.records.deleteImage(img.id);
      });
      deleted.push(img.id);
    }
    return { deleted, reclaimed: this.gc().bytes };
  }

  gc(): GcResult {
    return collectGarbage(this.records, this.blobs, this.layers, this.leases);
  }

  /**
   * A writable root filesystem for a container: overlayfs over the image's layers with the
   * container's own upper dir, or a copy where overlayfs can't be mounted (with a warning).
   * opts.volatile: a writable layer that need not survive a crash (a container removed at its exit).
   * opts.mountpoint: where to mount the overlay (made here; its parent must exist), instead of
   * merged/ in the container's directory under the store; pass it to releaseRootfs too.
   * opts.initLayer: empty mount targets laid over the image's layers where they fit (store/rootfs.ts).
   */
  async prepareRootfs(
    ref: string,
    containerId: string,
    opts: { mode?: RootfsMode; volatile?: boolean; mountpoint?: string; initLayer?: InitLayer } = {},
  ): Promise<PreparedRootfs> {
    validateContainerId(containerId);
    const img = this.get(ref);
    const manifest = this.manifest(img);
    const diffIds = this.config(img).rootfs.diff_ids;
    const layers = manifest.layers.map((l, i) => ({ blob: l.digest, dir: this.layers.path(diffIds[i]!) }));
    await Promise.all(manifest.layers.map((l, i) => this.layers.ensure(l.digest, diffIds[i]!)));
    fs.mkdirSync(this.rootfsDir(), { recursive: true, mode: 0o700 });
    const mode = opts.mode ?? (process.env.NSBOX_ROOTFS_MODE as RootfsMode | undefined);
    let made;
    try {
      const lower = withInitLayer(layers.map((l) => l.dir), opts.initLayer);
      made = await createRootfs(this.rootfsDir(containerId), img.id, layers, (d) => this.blobs.path(d), mode, this.warn, { ...opts, lower });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(`container ${containerId} already has a root filesystem`);
      throw e;
    }
    const mountpoint = opts.mountpoint;
    return { containerId, rootfsPath: made.path, mode: made.mode, cleanup: async () => this.releaseRootfs(containerId, mountpoint) };
  }

  /** An overlay's lower dirs for an image, bottom-first: its layers, and the init layer if it fits (as prepareRootfs). */
  lowerDirs(img: ImageRow, initLayer?: InitLayer): string[] {
    return withInitLayer(this.config(img).rootfs.diff_ids.map((d) => this.layers.path(d)), initLayer);
  }

  /** The directory of a container's rootfs (upper and work, or its copy), or of them all. */
  rootfsDir(containerId?: string): string {
    return containerId === undefined ? `${this.root}/containers` : `${this.root}/containers/${containerId}`;
  }

  /**
   * Unmounts and removes a container's rootfs (from any process, e.g. after an engine restart);
   * `mountpoint` as given to prepareRootfs.
   */
  releaseRootfs(containerId: string, mountpoint?: string): void {
    validateContainerId(containerId);
    destroyRootfs(this.rootfsDir(containerId), mountpoint);
    // A rootfs made before the image marker (store/rootfs.ts) has a record instead.
    if (this.records.rootfs(containerId)) this.records.deleteRootfs(containerId);
  }

  /** Containers whose rootfs is made from an image (any image when none is named). */
  rootfsUsers(image?: string): { container: string; image: Digest }[] {
    const out: { container: string; image: Digest }[] = [];
    let ids: string[] = [];
    try {
      ids = fs.readdirSync(this.rootfsDir());
    } catch {}
    for (const container of ids) {
      const marked = markedImage(this.rootfsDir(container));
      if (marked && (!image || marked === image)) out.push({ container, image: marked });
    }
    // Records of rootfs made before the marker.
    for (const r of this.records.rootfsUsers(image)) if (!out.some((u) => u.container === r.container)) out.push(r);
    return out;
  }
}

export function validateManifest(m: Manifest): void {
  if (!m || m.schemaVersion !== 2 || !m.config || !Array.isArray(m.layers)) {
    throw new UserError("invalid image manifest (expected schemaVersion 2 with config and layers)");
  }
  if (m.mediaType && !manifestTypes.includes(m.mediaType)) throw new UserError(`unsupported manifest media type ${m.mediaType}`);
  parseDigest(m.config.digest, "config digest");
  for (const l of m.layers) parseDigest(l.digest, "layer digest");
}
