// Builds OCI image layouts offline and reproducibly (fixed mtimes and owners, gzip -n):
//   bun oci-layout.ts image --out DIR --ref NAME:TAG [--arch amd64] [--config JSON] (--layer ROOTFS_DIR [--history TEXT])...
//   bun oci-layout.ts index --out DIR --ref NAME:TAG LAYOUT_DIR...   (a multi-platform index, in the given order)
// Layers are made with GNU tar (--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner).
import * as fs from "node:fs";
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";

const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function run(cmd: string[], opts: { stdin?: Uint8Array } = {}): Buffer {
  const p = Bun.spawnSync(cmd, { stdin: opts.stdin ? new Blob([opts.stdin]) : "ignore", stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${p.stderr.toString()}`);
  return Buffer.from(p.stdout);
}

function putBlob(out: string, data: Uint8Array): string {
  const d = sha(data);
  fs.writeFileSync(`${out}/blobs/sha256/${d.slice(7)}`, data);
  return d;
}

function initLayout(out: string): void {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(`${out}/blobs/sha256`, { recursive: true });
  fs.writeFileSync(`${out}/oci-layout`, JSON.stringify({ imageLayoutVersion: "1.0.0" }));
}

function writeIndex(out: string, ref: string, manifests: object[], asIndex?: { digest: string; size: number }): void {
  const ann = { "org.opencontainers.image.ref.name": ref.slice(ref.lastIndexOf(":") + 1), "io.containerd.image.name": ref };
  const list = asIndex ? [{ mediaType: "application/vnd.oci.image.index.v1+json", ...asIndex, annotations: ann }] : manifests.map((m) => ({ ...m, annotations: ann }));
  fs.writeFileSync(`${out}/index.json`, JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: list }));
}

const [mode, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: { out: { type: "string" }, ref: { type: "string" }, arch: { type: "string", default: "amd64" }, config: { type: "string", default: "{}" }, layer: { type: "string", multiple: true, default: [] }, history: { type: "string", multiple: true, default: [] } },
});
const out = values.out!, ref = values.ref!;
if (!out || !ref) throw new Error("--out and --ref are required");

if (mode === "image") {
  initLayout(out);
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  for (const dir of values.layer!) {
    const tar = run(["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--format=gnu", "-C", dir, "-cf", "-", "."]);
    diffIds.push(sha(tar));
    const gz = run(["gzip", "-n", "-6"], { stdin: tar });
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: putBlob(out, gz), size: gz.length });
  }
  const containerConfig = JSON.parse(values.config!);
  const config = {
    created: "1970-01-01T00:00:00Z",
    architecture: values.arch,
    ...(values.arch === "arm64" ? { variant: "v8" } : {}),
    os: "linux",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ...containerConfig },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: values.layer!.map((_, i) => ({ created: "1970-01-01T00:00:00Z", created_by: values.history![i] ?? `layer ${i + 1}` })),
  };
  const cfg = Buffer.from(JSON.stringify(config));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: putBlob(out, cfg), size: cfg.length },
    layers,
  }));
  const platform = { architecture: values.arch, os: "linux", ...(values.arch === "arm64" ? { variant: "v8" } : {}) };
  writeIndex(out, ref, [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: putBlob(out, manifest), size: manifest.length, platform }]);
} else if (mode === "index") {
  initLayout(out);
  const entries: object[] = [];
  for (const src of positionals) {
    for (const f of fs.readdirSync(`${src}/blobs/sha256`)) fs.copyFileSync(`${src}/blobs/sha256/${f}`, `${out}/blobs/sha256/${f}`);
    const idx = JSON.parse(fs.readFileSync(`${src}/index.json`, "utf8"));
    for (const m of idx.manifests) entries.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: m.platform });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: entries }));
  writeIndex(out, ref, [], { digest: putBlob(out, index), size: index.length });
} else {
  throw new Error("usage: oci-layout.ts image|index ...");
}
