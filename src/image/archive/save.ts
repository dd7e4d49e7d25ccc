// `save`: images → one tarball that is both a docker-archive (manifest.json, read by `docker load`
// and skopeo's docker-archive:) and an OCI image layout (oci-layout, index.json), as docker 25+
// writes it. Blobs are written once each under blobs/sha256/, as stored.
import * as fs from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../../common/errors.ts";
import type { Digest } from "../digest.ts";
import { familiarName } from "../reference.ts";
import type { ImageStore } from "../store.ts";
import { padding, tarEnd, tarHeader } from "../tar/writer.ts";
import { type Descriptor, type Index, MediaType } from "../types.ts";

class TarOut {
  constructor(readonly fd: number) {}
  private write(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
  }
  dir(name: string): void {
    this.write(tarHeader({ name: name + "/", type: "dir", mode: 0o755 }, 0));
  }
  bytes(name: string, data: Buffer): void {
    this.write(tarHeader({ name, mode: 0o644 }, data.length));
    this.write(data);
    this.write(padding(data.length));
  }
  file(name: string, path: string): void {
    const size = fs.statSync(path).size;
    this.write(tarHeader({ name, mode: 0o644 }, size));
    const fd = fs.openSync(path, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    let left = size;
    try {
      while (left > 0) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, left), null);
        if (n === 0) throw new UserError(`blob ${path} shrank while saving`);
        this.write(buf.subarray(0, n));
        left -= n;
      }
    } finally {
      fs.closeSync(fd);
    }
    this.write(padding(size));
  }
  end(): void {
    this.write(tarEnd());
  }
}

export function saveImages(store: ImageStore, refs: string[], output: string): void {
  const images = refs.map((r) => ({ ref: r, img: store.get(r) }));
  // docker's check and wording: the directory must exist (we write OUTPUT.tmp-PID there first).
  const dir = dirname(output);
  if (output !== "-" && !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`invalid output path: directory "${dir}" does not exist`);
  const fd = output === "-" ? 1 : fs.openSync(`${output}.tmp-${process.pid}`, "w", 0o644);
  try {
    const out = new TarOut(fd);
    const written = new Set<Digest>();
    const blob = (d: Digest) => {
      if (written.has(d)) return;
      written.add(d);
      out.file(`blobs/sha256/${d.slice(7)}`, store.blobs.path(d));
    };
    out.dir("blobs");
    out.dir("blobs/sha256");
    const dockerManifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
    const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
    for (const { ref, img } of images) {
      const m = store.manifest(img);
      blob(img.id);
      for (const l of m.layers) blob(l.digest);
      blob(img.manifest);
      // Tags asked for by name; all of the image's tags when asked for by id (as docker does).
      const asked = img.names.find((n) => !n.includes("@") && familiarName(n) === familiarName(ref.includes(":") ? ref : `${ref}:latest`));
      const tags = asked ? [asked] : img.names.filter((n) => !n.includes("@"));
      dockerManifest.push({
        Config: `blobs/sha256/${img.id.slice(7)}`,
        RepoTags: tags.map(familiarName),
        Layers: m.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
      });
      const desc: Descriptor = { mediaType: m.mediaType ?? MediaType.ociManifest, digest: img.manifest, size: store.blobs.size(img.manifest) };
      for (const t of tags.length ? tags : [undefined]) {
        index.manifests.push(t ? { ...desc, annotations: { "io.containerd.image.name": t, "org.opencontainers.image.ref.name": t.slice(t.lastIndexOf(":") + 1) } } : desc);
      }
    }
    out.bytes("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    out.bytes("index.json", Buffer.from(JSON.stringify(index)));
    out.bytes("manifest.json", Buffer.from(JSON.stringify(dockerManifest)));
    out.end();
  } catch (e) {
    if (fd !== 1) {
      fs.closeSync(fd);
      fs.rmSync(`${output}.tmp-${process.pid}`, { force: true });
    }
    throw e;
  }
  if (fd !== 1) {
    fs.closeSync(fd);
    fs.renameSync(`${output}.tmp-${process.pid}`, output);
  }
}
