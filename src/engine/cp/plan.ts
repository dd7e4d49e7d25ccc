// docker's cp destination rules (moby pkg/archive copy.go: SplitPathDirEntry, assertsDirectory,
// PreserveTrailingDotOrSeparator, PrepareArchiveCopy), pure: given whether the source is a
// directory and what the destination is, the directory to extract into and the name the
// archive's top entry must take there. Used both ways, the destination on the host or in a
// container.
import { posix } from "node:path";
import { UserError } from "../../common/errors.ts";

/** What is at the destination (docker's CopyInfo, for a destination). */
export interface DestInfo {
  path: string; // trailing "/" or "/." kept as given: they assert a directory
  exists: boolean;
  isDir: boolean;
}

/** Where to extract the archive, and the new name of its top entry (none: as it is). */
export interface CopyPlan {
  dir: string;
  rename?: string;
}

const specifiesCurrentDir = (path: string) => posix.basename(path) === "." || path === ".";
const hasTrailingSeparator = (path: string) => path.length > 1 && path.endsWith("/");

/** A path ending in "/" or "/." names a directory: docker refuses to make it from a file. */
export function assertsDirectory(path: string): boolean {
  return hasTrailingSeparator(path) || specifiesCurrentDir(path);
}

/** Go's filepath.Dir/Base of the cleaned path, "x/." kept as ["x", "."] (the contents of x). */
export function splitPathDirEntry(path: string): [string, string] {
  let cleaned = posix.normalize(path);
  if (cleaned.length > 1 && cleaned.endsWith("/")) cleaned = cleaned.slice(0, -1);
  if (specifiesCurrentDir(path) && cleaned !== ".") cleaned += "/.";
  return [posix.dirname(cleaned), posix.basename(cleaned) || "/"];
}

/** `cleaned` with the trailing "/." or "/" that `original` had (they change the meaning). */
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  if (specifiesCurrentDir(original) && !specifiesCurrentDir(cleaned)) return `${cleaned.replace(/\/$/, "")}/.`;
  if (hasTrailingSeparator(original) && !hasTrailingSeparator(cleaned)) return `${cleaned}/`;
  return cleaned;
}

/**
 * docker's table: into an existing directory as is; over an existing file or as a new name in
 * the parent, renamed to the destination's name; a directory never over a file, and a file never
 * to a missing path that asserts a directory. Errors carry docker's words.
 */
export function planCopy(srcIsDir: boolean, dst: DestInfo): CopyPlan {
  if (dst.exists && dst.isDir) return { dir: dst.path };
  if (dst.exists && srcIsDir) throw new UserError("cannot copy directory", 1);
  if (!dst.exists && !srcIsDir && assertsDirectory(dst.path)) throw new UserError("no such directory", 1);
  const [dir, base] = splitPathDirEntry(dst.path);
  return { dir, rename: base };
}
