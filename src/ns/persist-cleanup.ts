// Undoing `unshare --net=FILE` style bind mounts when the launch fails after making them, so a
// failed command leaves nothing mounted. Only a mount we added is removed: the number of nsfs
// mounts on the path is compared with the count taken before the launch.
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
  // umount2(2) through libc: loaded only on this failure path, so start-up pays nothing for it.
  const { dlopen, FFIType, ptr } = require("bun:ffi") as typeof import("bun:ffi");
  const libc = dlopen("libc.so.6", { umount2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 } });
  try {
    for (const p of grown) {
      const rc = libc.symbols.umount2(ptr(Buffer.from(p + "\0")), 0);
      if (rc !== 0) process.stderr.write(`nsbox: warning: could not unmount ${p}; remove it with: umount ${p}\n`);
    }
  } finally {
    libc.close();
  }
}
