// A container's overlay root filesystem is mounted once, at create, by the image store; a reboot
// (or an admin's umount) takes the mount away while the container's upper dir stays. Before a
// start we mount it again over the same layers, upper and work dirs. The mount point is merged/ in
// the container's run directory (a tmpfs, gone after a reboot: made again here); containers made
// before it moved there have it in the image store's directory, which their records name.
import { mkdirSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { overlayOptions } from "../image/store/rootfs.ts";
import { mount } from "../linux/libc.ts";
import { isMountPoint } from "../linux/mountinfo.ts";
import { ensureInitLayer } from "./init-layer.ts";
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";

export function mergedDir(r: Row): string {
  return (r.doc as { GraphDriver?: { Data: { MergedDir: string } } }).GraphDriver!.Data.MergedDir;
}

export function ensureRootfs(e: Engine, r: Row): string {
  const merged = mergedDir(r);
  const driver = (r.doc as { GraphDriver?: { Name: string } }).GraphDriver?.Name;
  if (driver !== "overlay" || isMountPoint(merged)) return merged;
  const img = e.images.resolve(r.doc.Image);
  if (!img) throw new UserError(`cannot mount the root filesystem of ${r.name}: its image ${r.doc.Image} is gone`, 125);
  // The same lower dirs as at create (a container made before the init layer gets it now: its own
  // copies of those files in its upper dir hide it).
  const layers = e.images.lowerDirs(img, ensureInitLayer(e.paths.initLayer));
  const base = e.images.rootfsDir(r.id);
  mkdirSync(merged, { recursive: true, mode: 0o711 });
  mount("overlay", merged, "overlay", 0, overlayOptions(layers, `${base}/upper`, `${base}/work`));
  return merged;
}
