// /proc/self/mountinfo: each mount's mount point and filesystem type, for code that asks what is
// mounted where (persisted namespace files, nsenter -r/-w checks, what a reset must unmount), and
// whether a path is a mount point (and unmounting all that is).
import { readFileSync, statSync } from "./fs.ts";
import { dirname } from "node:path";
import { MNT_DETACH, umount } from "./libc.ts";

export interface MountInfoEntry {
  mountPoint: string;
  fsType: string;
}

/** Mount points have spaces, tabs, newlines and backslashes octal-escaped (\040 ...). */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Pure: the entries of a mountinfo text (field 5 is the mount point, the first after " - " the type). */
export function parseMountinfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    const mountPoint = left?.split(" ")[4];
    if (!mountPoint || right === undefined) continue;
    entries.push({ mountPoint: unescapeMountPath(mountPoint), fsType: right.split(" ")[0] ?? "" });
  }
  return entries;
}

/** Our mount namespace's mounts; none when /proc is not readable. */
export function readMountinfo(): MountInfoEntry[] {
  try {
    return parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
  } catch {
    return [];
  }
}

/**
 * Whether something is mounted at `path` (a file system other than its parent directory's, so a
 * bind mount from the same file system does not count); false when it is missing. A stat of each
 * instead of reading mountinfo, which grows with every container's mounts.
 */
export function isMountPoint(path: string): boolean {
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

/** Detaches whatever is mounted at `path`, every layer of a stack (a crash between a check and a
 * mount can leave two), until nothing is or an unmount fails. */
export function unmountAll(path: string): void {
  for (let layers = 0; layers < 16 && isMountPoint(path); layers++) {
    try {
      umount(path, MNT_DETACH);
    } catch {
      return;
    }
  }
}
