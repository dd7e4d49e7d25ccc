// `import FILE|- [REF]`: a root filesystem tarball (plain or compressed) becomes a one-layer
// image, with its config set by Dockerfile-like `--change` instructions.
import { UserError } from "../../common/errors.ts";
import { type Digest, decompress, digestOf, newHasher, readFileChunks, tap } from "../digest.ts";
import { hostPlatform } from "../platform.ts";
import { formatReference, parseReference } from "../reference.ts";
import type { Image, ImageStore } from "../store.ts";
import { archiveInput } from "./input.ts";
import { compressionOf } from "../digest.ts";
import { type ContainerConfig, type ImageConfig, type Manifest, MediaType } from "../types.ts";

function words(s: string): string[] {
  const t = s.trim();
  if (t.startsWith("[")) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    } catch {}
    throw new UserError(`invalid JSON array: ${t}`);
  }
  return ["/bin/sh", "-c", t];
}

function keyValues(s: string, what: string): [string, string][] {
  const t = s.trim();
  if (!t.includes("=")) {
    const sp = t.search(/\s/);
    if (sp < 0) throw new UserError(`${what} needs KEY=VALUE or KEY VALUE: ${t}`);
    return [[t.slice(0, sp), t.slice(sp).trim()]];
  }
  return (t.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((kv) => {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UserError(`${what} needs KEY=VALUE: ${kv}`);
    return [kv.slice(0, eq), kv.slice(eq + 1).replace(/^"(.*)"$/, "$1")];
  });
}

/** Applies `--change` instructions (CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE, USER, LABEL, STOPSIGNAL, VOLUME). */
export function applyChanges(cfg: ContainerConfig, changes: string[]): ContainerConfig {
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw new UserError(`invalid --change '${change}'`);
    const arg = m[2]!;
    switch (m[1]!.toUpperCase()) {
      case "CMD": cfg.Cmd = words(arg); break;
      case "ENTRYPOINT": cfg.Entrypoint = words(arg); break;
      case "WORKDIR": cfg.WorkingDir = arg.trim(); break;
      case "USER": cfg.User = arg.trim(); break;
      case "STOPSIGNAL": cfg.StopSignal = arg.trim(); break;
      case "ENV":
        for (const [k, v] of keyValues(arg, "ENV")) cfg.Env = [...(cfg.Env ?? []).filter((e) => !e.startsWith(`${k}=`)), `${k}=${v}`];
        break;
      case "LABEL":
        for (const [k, v] of keyValues(arg, "LABEL")) cfg.Labels = { ...cfg.Labels, [k]: v };
        break;
      case "EXPOSE":
        for (const p of arg.trim().split(/\s+/)) {
          if (!/^\d+(\/(tcp|udp|sctp))?$/.test(p)) throw new UserError(`invalid port '${p}' in EXPOSE`);
          cfg.ExposedPorts = { ...cfg.ExposedPorts, [p.includes("/") ? p : `${p}/tcp`]: {} };
        }
        break;
      case "VOLUME":
        for (const v of arg.trim().startsWith("[") ? words(arg) : arg.trim().split(/\s+/)) cfg.Volumes = { ...cfg.Volumes, [v]: {} };
        break;
      default:
        throw new UserError(`--change: unsupported instruction '${m[1]}' (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)`);
    }
  }
  return cfg;
}

export async function importRootfs(store: ImageStore, file: string, ref: string | undefined, changes: string[], message = ""): Promise<Image> {
  const name = ref ? formatReference(parseReference(ref)) : undefined;
  const config = applyChanges({ Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] }, changes);
  return store.leases.hold([], async () => {
    const source = archiveInput(file);
    const layer = await store.blobs.putStream(source, undefined, "layer");
    // The diff_id is the digest of the uncompressed tar; checking it is a tar at all comes with unpack.
    const h = newHasher();
    for await (const _ of tap(decompress(readFileChunks(store.blobs.path(layer.digest))), h));
    const diffId: Digest = digestOf(h);
    const kind = compressionOf(store.blobs.head(layer.digest, 4));
    const created = new Date().toISOString();
    const plat = hostPlatform();
    const imageConfig: ImageConfig = {
      created,
      architecture: plat.architecture,
      ...(plat.variant ? { variant: plat.variant } : {}),
      os: "linux",
      config,
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created, created_by: `nsbox import ${file === "-" ? "-" : file.split("/").pop()}`, comment: message || "Imported from tarball" }],
    };
    const cfg = store.blobs.putBytes(Buffer.from(JSON.stringify(imageConfig)));
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: cfg, size: store.blobs.size(cfg) },
      layers: [{ mediaType: kind === "gzip" ? MediaType.ociLayerGzip : kind === "zstd" ? MediaType.ociLayerZstd : MediaType.ociLayer, digest: layer.digest, size: layer.size }],
    };
    const md = store.blobs.putBytes(Buffer.from(JSON.stringify(manifest)));
    return store.commit(md, name ? [name] : []);
  });
}
