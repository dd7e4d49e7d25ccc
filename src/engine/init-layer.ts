// The engine's init layer, as docker's "-init" layer but one for all containers: empty
// /etc/hosts, /etc/hostname and /etc/resolv.conf laid over the image's layers (read-only, as the
// topmost lower dir) where the image's tree allows (src/image/store/rootfs.ts initLayerFits), so
// that the bind mounts every container gets (spec.ts) find their targets. Without it the runtime
// creates the missing targets in the container's writable layer: a copy-up of /etc and four
// inodes on the persistent root made and deleted per container (~2.5 ms of a `run --rm` on this
// VM's journal-less ext4; docs/performance.md).
//
// Made once under the root and never changed: overlayfs forbids changing a lower dir while it is
// mounted. Built in a temporary directory and renamed into place, so concurrent first uses agree.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { InitLayer } from "../image/index.ts";

export const INIT_LAYER_FILES = ["etc/hostname", "etc/hosts", "etc/resolv.conf"];

/** The init layer at `dir`, made if missing. */
export function ensureInitLayer(dir: string): InitLayer {
  if (!existsSync(dir)) {
    const parent = dir.slice(0, dir.lastIndexOf("/"));
    mkdirSync(parent, { recursive: true, mode: 0o711 });
    const tmp = mkdtempSync(`${dir}.tmp-`);
    try {
      // Modes set, not left to the umask: the merged /etc shows this layer's (initLayerFits asks
      // the image's to be the same). mkdtemp's 0700 stays on the layer's root, which no overlay
      // shows (the container's upper dir is its root).
      mkdirSync(`${tmp}/etc`);
      chmodSync(`${tmp}/etc`, 0o755);
      for (const f of INIT_LAYER_FILES) {
        writeFileSync(`${tmp}/${f}`, "");
        chmodSync(`${tmp}/${f}`, 0o644);
      }
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(dir)) throw e; // another process made it first: use theirs
    }
  }
  return { dir, files: INIT_LAYER_FILES };
}
