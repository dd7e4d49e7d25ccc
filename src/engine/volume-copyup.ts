// docker's copy-up: a volume that is still empty, mounted where the image has a directory, first
// receives that directory's content (ownership, modes, times, links kept), so a database image's
// default files appear in a fresh volume. Done at create, from the container's just-mounted root
// filesystem (nothing runs in it yet); the image path is resolved inside that root, so a symlink
// in the image cannot make us copy host files. Never for bind mounts; `-v NAME:/p:nocopy` skips it.
import { chmodSync, chownSync, lstatSync, readdirSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { scopedPath } from "./cp/scoped-path.ts";

/** Copies `rootfs`'s `destination` into `volumeDir` when that is empty; false when nothing was copied. */
export function copyUp(rootfs: string, destination: string, volumeDir: string, volumeName: string): boolean {
  let src: string;
  try {
    src = scopedPath(rootfs, destination);
  } catch {
    return false; // a symlink loop in the image: nothing to copy, as docker's failed stat
  }
  let st;
  try {
    st = lstatSync(src);
  } catch {
    return false; // the image has nothing there
  }
  if (!st.isDirectory() || readdirSync(volumeDir).length) return false;
  const cp = Bun.spawnSync(["cp", "-a", "--", `${src}/.`, `${volumeDir}/`], { stdout: "ignore", stderr: "pipe" });
  if (cp.exitCode !== 0) {
    const why = cp.stderr.toString().trim().split("\n")[0];
    throw new UserError(`copying the image's ${destination} into volume ${volumeName}: ${why}`, 125);
  }
  // The volume's top directory takes the image directory's owner and mode too (docker's copyOwnership).
  chownSync(volumeDir, st.uid, st.gid);
  chmodSync(volumeDir, st.mode & 0o7777);
  return true;
}

/**
 * The image's VOLUME over a path where the image has a file (a directory, or a link to one inside
 * the root, is fine): docker's refusal, before any volume is made. Resolved inside the root.
 */
export function checkImageVolume(rootfs: string, destination: string): void {
  let path: string;
  try {
    path = scopedPath(rootfs, destination);
  } catch {
    return; // a link loop: the runtime's mount refuses it with its own error
  }
  const st = lstatSync(path, { throwIfNoEntry: false }); // scopedPath resolved every link in the root
  if (st && !st.isDirectory()) throw new UserError(`cannot mount volume over existing file, file exists ${path}`, 125);
}
