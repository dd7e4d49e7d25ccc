// Resolving a container path against its root filesystem from the host, as the kernel would inside
// the container (chroot semantics): symlinks are followed, an absolute link target starts again at
// the container's root, and `..` never climbs above it. Used for the mountpoints of a stopped
// container's volumes (cp), which must be made before we chroot into the root. Nothing runs in the
// container meanwhile (it is stopped), so the walk is not raced by it.
import { lstatSync, readlinkSync } from "node:fs";

const MAX_LINKS = 40; // the kernel's limit (ELOOP)

/** The host path of container path `path` under `root`, every component inside `root`. */
export function scopedPath(root: string, path: string): string {
  const done: string[] = [];
  let todo = path.split("/").filter((p) => p && p !== ".");
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === "..") {
      done.pop(); // at the root, `..` is the root
      continue;
    }
    const host = `${root}/${[...done, part].join("/")}`;
    let target: string | undefined;
    try {
      if (lstatSync(host).isSymbolicLink()) target = readlinkSync(host);
    } catch {} // missing: the rest is taken literally (to be created)
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links in ${path}`);
    if (target.startsWith("/")) done.length = 0;
    todo = [...target.split("/").filter((p) => p && p !== "."), ...todo];
  }
  return done.length ? `${root}/${done.join("/")}` : root;
}
