// Container root filesystems: <root>/containers/<id>/ holds either the container's own upper/ and
// work/ for an overlayfs mount over the image's shared layer dirs, or, where overlayfs is
// unavailable, a private copy built by applying each layer in order (rootfs/). The overlay is
// mounted at merged/ there, or at a mount point the caller names (the engine's is in the
// container's run directory, on a tmpfs: one directory fewer on the persistent root, see
// docs/performance.md). Which image a rootfs is made from is an xattr of its directory (see
// marker below), not a database row: nothing to write, or checkpoint, per container.
//
// The overlay is mounted with mount(2) through bun:ffi (see src/linux/libc.ts) in the caller's mount
// namespace: no process spawn, and the runtime later bind-mounts that path as the container's
// root in the container's own namespace, as it does for any OCI bundle.
import * as fs from "node:fs";
import { type Digest } from "../digest.ts";
import { lgetxattr, lsetxattr, mount, MNT_DETACH, umount, SysError } from "../../linux/libc.ts";
import { unpackInto } from "./layers.ts";

export type RootfsMode = "overlay" | "copy";

export interface PreparedRootfs {
  containerId: string;
  rootfsPath: string;
  mode: RootfsMode;
  /** Unmounts and removes the container's rootfs (its writable layer too). Idempotent. */
  cleanup(): Promise<void>;
}

export interface RootfsLayer {
  blob: Digest;
  dir: string; // unpacked layer dir
}

const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
// The kernel takes mount options up to one page.
const MAX_MOUNT_DATA = 4000;

export function validateContainerId(id: string): void {
  if (!CONTAINER_ID.test(id)) throw new Error(`invalid container id '${id}' (letters, digits, '_', '.', '-'; at most 128)`);
}

/**
 * The overlay mount options for layers given bottom-first (overlayfs lists the top layer first).
 * volatile (Linux 5.10): overlayfs skips syncing the upper layer, so unmounting costs ~0.1 ms
 * instead of ~1 ms of writeback; the writable layer is then not to be reused after a crash.
 */
export function overlayOptions(lowerBottomFirst: string[], upper: string, work: string, volatile = false): string {
  for (const p of [...lowerBottomFirst, upper, work]) {
    if (/[,:\\]/.test(p)) throw new Error(`path '${p}' has a character overlayfs options can't carry (',', ':' or '\\')`);
  }
  const data = `lowerdir=${[...lowerBottomFirst].reverse().join(":")},upperdir=${upper},workdir=${work}${volatile ? ",volatile" : ""}`;
  if (data.length > MAX_MOUNT_DATA) throw new Error(`image has too many layers (${lowerBottomFirst.length}) for one overlay mount under this store root`);
  return data;
}

// The image a container's rootfs is made from, on its directory: rmi and prune ask which images
// are in use. trusted.* needs CAP_SYS_ADMIN (the store needs it for mounts anyway); a file system
// without xattrs gets a file instead. A directory without either (a crash between mkdir and the
// marker) names no image: the engine's reconciliation removes it with the container's record.
const IMAGE_XATTR = "trusted.nsbox.image";

function markImage(base: string, image: Digest): void {
  try {
    lsetxattr(base, IMAGE_XATTR, Buffer.from(image));
  } catch (e) {
    if (!(e instanceof SysError && (e.code === "EOPNOTSUPP" || e.code === "EPERM"))) throw e;
    fs.writeFileSync(`${base}/image`, image);
  }
}

/** The image a rootfs directory was made from (undefined: unmarked). */
export function markedImage(base: string): Digest | undefined {
  const x = lgetxattr(base, IMAGE_XATTR);
  if (x) return x.toString() as Digest;
  try {
    return fs.readFileSync(`${base}/image`, "utf8") as Digest;
  } catch {
    return undefined;
  }
}

/**
 * Empty files laid over an image's layers as one more (read-only, shared) lower layer: mount
 * targets the caller binds over in every container (the engine's /etc/hosts, /etc/hostname,
 * /etc/resolv.conf, as docker's init layer). Without it, an OCI runtime creates each missing target
 * in the container's writable layer: a copy-up of /etc and a few inodes on disk per container.
 */
export interface InitLayer {
  dir: string;
  /** Its files, relative ("etc/hosts"); their parent directories are 0755 root:root. */
  files: string[];
}

/** The topmost entry at `rel` in layers given top-first (a whiteout counts as none). */
function topmost(lowerTopFirst: string[], rel: string): fs.Stats | undefined {
  for (const l of lowerTopFirst) {
    const st = fs.lstatSync(`${l}/${rel}`, { throwIfNoEntry: false });
    if (!st) continue;
    return st.isCharacterDevice() && st.rdev === 0 ? undefined : st;
  }
  return undefined;
}

/**
 * Whether an init layer leaves the image's tree as it is but for its own files: each parent
 * directory absent in the image or a 0755 root:root directory (an upper layer's directory shows
 * its own owner and mode), each file absent or a regular file (whose content the caller's bind
 * mount hides anyway). Otherwise (e.g. /etc a symlink, /etc/resolv.conf a symlink) the image gets
 * none and the runtime makes the targets as before. Opaque directories are not followed: an entry
 * they hide can only make this answer no.
 */
export function initLayerFits(init: InitLayer, lowerTopFirst: string[]): boolean {
  for (const f of init.files) {
    const parts = f.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const st = topmost(lowerTopFirst, parts.slice(0, i).join("/"));
      if (!st) break;
      if (i === parts.length) {
        if (!st.isFile()) return false;
      } else if (!st.isDirectory() || (st.mode & 0o7777) !== 0o755 || st.uid !== 0 || st.gid !== 0) return false;
    }
  }
  return true;
}

/** An overlay's lower dirs, bottom-first: the image's layers, and over them the init layer if it fits. */
export function withInitLayer(layersBottomFirst: string[], init: InitLayer | undefined): string[] {
  return init && initLayerFits(init, [...layersBottomFirst].reverse()) ? [...layersBottomFirst, init.dir] : layersBottomFirst;
}

/** opts.lower: the overlay's lower dirs, bottom-first, if not just the layers' (withInitLayer). */
export async function createRootfs(
  base: string,
  image: Digest,
  layers: RootfsLayer[],
  blobPath: (d: Digest) => string,
  want: RootfsMode | undefined,
  warn: (m: string) => void,
  opts: { volatile?: boolean; mountpoint?: string; lower?: string[] } = {},
): Promise<{ path: string; mode: RootfsMode }> {
  const { volatile = false } = opts;
  fs.mkdirSync(base, { mode: 0o700 }); // fails with EEXIST when the container already has one
  const merged = opts.mountpoint ?? `${base}/merged`;
  try {
    markImage(base, image);
    if (want !== "copy" && layers.length > 0) {
      const upper = `${base}/upper`, work = `${base}/work`;
      for (const d of [upper, work]) fs.mkdirSync(d, 0o755);
      fs.mkdirSync(merged, 0o755);
      try {
        const lower = opts.lower ?? layers.map((l) => l.dir);
        try {
          mount("overlay", merged, "overlay", 0, overlayOptions(lower, upper, work, volatile));
        } catch (e) {
          // A kernel without volatile (before 5.10) refuses the option: mount as usual.
          if (!volatile || !(e instanceof SysError && e.code === "EINVAL")) throw e;
          mount("overlay", merged, "overlay", 0, overlayOptions(lower, upper, work));
        }
        return { path: merged, mode: "overlay" };
      } catch (e) {
        if (want === "overlay" || !(e instanceof SysError)) throw e;
        warn(`overlayfs unavailable (${e.code}): copying the image's layers instead (slower, uses more disk)`);
        for (const d of [upper, work]) fs.rmSync(d, { recursive: true, force: true });
        removeMountpoint(merged);
      }
    }
    const rootfs = `${base}/rootfs`;
    fs.mkdirSync(rootfs, 0o755);
    for (const l of layers) await unpackInto(blobPath(l.blob), rootfs, "apply", warn);
    return { path: rootfs, mode: "copy" };
  } catch (e) {
    if (opts.mountpoint) removeMountpoint(opts.mountpoint);
    fs.rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

function unmountIfMounted(path: string): void {
  if (!fs.existsSync(path)) return;
  try {
    umount(path);
  } catch (e) {
    if (e instanceof SysError && e.code === "EBUSY") umount(path, MNT_DETACH);
    else if (!(e instanceof SysError && e.code === "EINVAL")) throw e; // EINVAL: not mounted
  }
}

/** rmdir, never recursive: a mount point still mounted must not be emptied through the mount. */
function removeMountpoint(path: string): void {
  try {
    fs.rmdirSync(path);
  } catch {}
}

/**
 * Unmounts (if mounted) and deletes a container's rootfs dir; `mountpoint`: where it was mounted
 * if not at merged/ inside it (a rootfs made before mount points moved has merged/: both are tried).
 */
export function destroyRootfs(base: string, mountpoint?: string): void {
  if (mountpoint) unmountIfMounted(mountpoint);
  unmountIfMounted(`${base}/merged`);
  if (mountpoint) removeMountpoint(mountpoint);
  fs.rmSync(base, { recursive: true, force: true });
}
