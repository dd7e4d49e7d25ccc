// Docker-shaped views of images: `image inspect` JSON, `images` rows, `history` rows.
import type { Image, ImageStore } from "./store.ts";
import { familiarName } from "./reference.ts";

export interface DockerImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export function inspectImage(store: ImageStore, img: Image): DockerImageInspect {
  const cfg = store.config(img);
  const layers = cfg.rootfs.diff_ids;
  const c = cfg.config ?? {};
  return {
    Id: img.id,
    RepoTags: img.names.filter((n) => !n.includes("@")).map(familiarName),
    RepoDigests: img.names.filter((n) => n.includes("@")).map(familiarName),
    Parent: "",
    Comment: cfg.history?.at(-1)?.comment ?? "",
    Created: cfg.created ?? "0001-01-01T00:00:00Z",
    DockerVersion: "",
    Author: cfg.author ?? "",
    Config: {
      Hostname: "", Domainname: "", User: c.User ?? "", AttachStdin: false, AttachStdout: false, AttachStderr: false,
      ExposedPorts: c.ExposedPorts, Tty: false, OpenStdin: false, StdinOnce: false, Env: c.Env ?? null,
      Cmd: c.Cmd ?? null, Image: "", Volumes: c.Volumes ?? null, WorkingDir: c.WorkingDir ?? "",
      Entrypoint: c.Entrypoint ?? null, OnBuild: null, Labels: c.Labels ?? null, StopSignal: c.StopSignal,
    },
    Architecture: cfg.architecture,
    ...(cfg.variant ? { Variant: cfg.variant } : {}),
    Os: cfg.os,
    Size: store.size(img),
    GraphDriver: {
      Name: "overlay",
      Data: { LowerDir: layers.map((d) => store.layers.path(d)).reverse().join(":") },
    },
    RootFS: { Type: "layers", Layers: layers },
    Metadata: { LastTagTime: new Date(img.created).toISOString() },
  };
}

export interface HistoryRow {
  id: string;
  created: string;
  createdBy: string;
  size: number;
  comment: string;
}

/** Newest first, like docker history; the layer sizes are the stored (compressed) blob sizes. */
export function imageHistory(store: ImageStore, img: Image): HistoryRow[] {
  const cfg = store.config(img);
  const layers = store.manifest(img).layers;
  const hist = cfg.history?.length ? cfg.history : layers.map(() => ({ created_by: "", empty_layer: false }));
  let li = 0;
  const rows = hist.map((h) => {
    const size = h.empty_layer ? 0 : (layers[li++]?.size ?? 0);
    return { id: "<missing>", created: h.created ?? "", createdBy: h.created_by ?? "", size, comment: h.comment ?? "" };
  });
  rows.reverse();
  if (rows[0]) rows[0].id = img.id;
  return rows;
}
