// Resolving a container path against its root filesystem from the host, as the kernel would inside
// the container (chroot semantics): symlinks are followed, an absolute link target starts again at
// the container's root, and `..` never climbs above it. Used for the mountpoints of a stopped
// container's volumes (cp), which must be made before we chroot into the root. Nothing runs in the
// container meanwhile (it is stopped), so the walk is not raced by it. Also cp -L's source: a
// running container's path walked through /proc/PID/root (a link it swaps meanwhile only changes
// which of its own files its tar packs: the tar runs inside it), a stopped one's in the chroot.
import { lstatSync, readlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../../common/errors.ts";

const MAX_LINKS = 40; // the kernel's limit (ELOOP)

/** The host path of container path `path` under `root`, every component inside `root`. */
export function scopedPath(root: string, path: string): string {
  const inside = resolveInRoot(root, path);
  return inside === "/" ? root : `${root}${inside}`;
}

/** The same resolution as a path inside the container: absolute, no symlink, no `..` (what cp -L
 * copies when given a symlink, as docker's stat of a container path gives its LinkTarget). */
export function resolveInRoot(root: string, path: string): string {
  const done: string[] = [];
  let todo = path.split("/").filter((p) => p && p !== ".");
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === "..") {
      done.pop(); // at the root, `..` is the root
      continue;
    }
    const host = `${root === "/" ? "" : root}/${[...done, part].join("/")}`;
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
  return `/${done.join("/")}`;
}

/** `tarArgs` whose source (`… -C DIR NAME`) is resolved under `root` (cp -L), symlinks followed. */
export function followTarSource(root: string, tarArgs: string[]): string[] {
  const [dir, name] = tarArgs.slice(-2) as [string, string];
  let resolved: string;
  try {
    resolved = resolveInRoot(root, join(dir, name));
  } catch (err) {
    throw new UserError(`cp: ${(err as Error).message}`, 1);
  }
  return [...tarArgs.slice(0, -2), dirname(resolved), basename(resolved) || "."];
}
