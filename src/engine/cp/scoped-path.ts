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
import { assertsDirectory, preserveTrailingDotOrSeparator, splitPathDirEntry } from "./plan.ts";

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

/** What a cp destination is inside a container (docker's stat of a container path). */
export interface PathInfo {
  /** The path resolved inside the root, the final symlink followed as docker does for a
   * destination, with the trailing "/" or "/." it was given. */
  path: string;
  kind: "missing" | "dir" | "file" | "other"; // file: a regular file; other: a device, fifo, socket
  /** The directory a new name would be made in (splitPathDirEntry's dir of `path`). */
  parent: "missing" | "dir" | "other";
}

/** lstat's answer; a path through a file (ENOTDIR) is as missing as a path through nothing. */
function kindOf(host: string): PathInfo["kind"] {
  let st;
  try {
    st = lstatSync(host, { throwIfNoEntry: false });
  } catch {
    return "missing";
  }
  return !st ? "missing" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
}

/** `path` looked up under `root` as the container would; every component stays inside `root`. */
export function statInRoot(root: string, path: string): PathInfo {
  let inside: string;
  try {
    inside = resolveInRoot(root, path);
  } catch (err) {
    throw new UserError(`cp: ${(err as Error).message}`, 1);
  }
  // The root itself with a trailing "/": through /proc/PID/root, lstat would see the magic link.
  const host = (p: string) => (p === "/" ? `${root.replace(/\/$/, "")}/` : `${root === "/" ? "" : root}${p}`);
  const resolved = preserveTrailingDotOrSeparator(inside, path);
  let kind = kindOf(host(inside));
  // "file/" is not the file (the kernel says ENOTDIR): a missing path that asserts a directory.
  if (kind !== "dir" && kind !== "missing" && assertsDirectory(path)) kind = "missing";
  const parent = kindOf(host(splitPathDirEntry(resolved)[0]));
  return { path: resolved, kind, parent: parent === "file" ? "other" : parent };
}
