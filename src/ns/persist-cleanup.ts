// Undoing `unshare --net=FILE` style bind mounts when the launch fails after making them, so a
// failed command leaves nothing mounted. Only a mount we added is removed: the number of nsfs
// mounts on the path is compared with the count taken before the launch.
import { printErr } from "../common/output.ts";
import { parseMountinfo, readMountinfo } from "../linux/mountinfo.ts";

/** How many nsfs mounts are stacked on `path` in our mount namespace (or in `mountinfo`'s text). */
export function nsfsMountCount(path: string, mountinfo?: string): number {
  const mounts = mountinfo === undefined ? readMountinfo() : parseMountinfo(mountinfo);
  return mounts.filter((m) => m.mountPoint === path && m.fsType === "nsfs").length;
}

/** Unmounts (once) each path that gained an nsfs mount since `before` was counted. */
export function unmountPersisted(paths: string[], before: number[]): void {
  const grown = paths.filter((p, i) => nsfsMountCount(p) > (before[i] ?? 0));
  if (!grown.length) return;
  // The umount2 binding, loaded only on this failure path: start-up pays nothing.
  const { umount } = require("../linux/libc.ts") as typeof import("../linux/libc.ts");
  for (const p of grown) {
    try {
      umount(p);
    } catch {
      printErr(`nsbox: warning: could not unmount ${p}; remove it with: umount ${p}`);
    }
  }
}
