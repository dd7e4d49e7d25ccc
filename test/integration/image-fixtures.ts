// Test fixtures for image tests: temp dirs, snapshots of a directory tree (to prove an unpack
// touched nothing outside its target), and OCI-layout tarballs built from in-memory layers.
import * as fs from "node:fs";
import * as os from "node:os";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { buildTar, type TarWriteEntry } from "../../src/image/tar/writer.ts";

export const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export function tempDir(tag: string): string {
  return fs.mkdtempSync(`${os.tmpdir()}/nsbox-${tag}-`);
}

/** path → "type mode size mtime content-hash" for every entry under dir (lstat, never following). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    let what = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${st.nlink}`;
    if (st.isFile()) what += " " + sha(fs.readFileSync(p));
    if (st.isSymbolicLink()) what += " -> " + fs.readlinkSync(p);
    out.set(p, what);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(`${p}/${n}`);
  };
  walk(dir);
  return out;
}

export type E = { entry: TarWriteEntry; data?: string | Uint8Array };
export const file = (name: string, data = "x", more: Partial<TarWriteEntry> = {}): E => ({ entry: { name, mode: 0o644, ...more }, data });
export const dir = (name: string, more: Partial<TarWriteEntry> = {}): E => ({ entry: { name, type: "dir", mode: 0o755, ...more } });
export const symlink = (name: string, target: string): E => ({ entry: { name, type: "symlink", linkname: target, mode: 0o777 } });
export const hardlink = (name: string, target: string): E => ({ entry: { name, type: "link", linkname: target } });

/** An OCI layout tarball with one image made of the given layers (each a list of tar entries). */
export function ociImageTar(ref: string, layers: E[][], config: Record<string, unknown> = {}): Buffer {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer) => {
    const d = sha(b);
    blobs.set(d, b);
    return d;
  };
  const descs = [];
  const diffIds = [];
  for (const l of layers) {
    const tar = buildTar(l);
    diffIds.push(sha(tar));
    const gz = gzipSync(tar);
    descs.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: put(gz), size: gz.length });
  }
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const cfg = Buffer.from(JSON.stringify({ architecture: arch, os: "linux", config, rootfs: { type: "layers", diff_ids: diffIds } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: put(cfg), size: cfg.length }, layers: descs,
  }));
  const md = put(manifest);
  const index = { schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: md, size: manifest.length, annotations: { "io.containerd.image.name": ref } }] };
  return buildTar([
    { entry: { name: "oci-layout" }, data: JSON.stringify({ imageLayoutVersion: "1.0.0" }) },
    { entry: { name: "index.json" }, data: JSON.stringify(index) },
    ...[...blobs].map(([d, b]) => ({ entry: { name: `blobs/sha256/${d.slice(7)}` }, data: b })),
  ]);
}
