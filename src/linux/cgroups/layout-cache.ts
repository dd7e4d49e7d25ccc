// The cgroup mounts of /proc/self/mountinfo kept in a file, for detectLayout in processes that
// start often (every `nsbox run`). mountinfo lists every mount of the namespace, and each running
// container adds some (its overlay, pinned namespaces): with 50 containers reading it costs the
// kernel ~0.6 ms per process, O(mounts), while the few cgroup mounts it is read for do not change.
//
// A cached list is used only while it still describes this mount namespace's cgroup mounts: the
// same namespace (/proc/self/ns/mnt), and at each mount point the same file system root (device
// and inode of the directory: another hierarchy, a subtree mounted instead, or nothing mounted
// there any more all change them). A hierarchy mounted since is caught by detectLayout (one of
// /proc/self/cgroup's hierarchies without a mount). A reboot's mounts are new ones even where
// their numbers come out the same, so the cache also names the boot (boot_id): it may live on a
// disk (nsbox-runtime's --root, /run on a system whose /run is no tmpfs).
import { mkdirSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync } from "../fs.ts";
import { dirname } from "node:path";
import { bootId } from "../proc.ts";
import type { CgroupMount } from "./layout.ts";

interface CachedMount extends CgroupMount {
  dev: number;
  ino: number;
}

interface CacheFile {
  bootId: string;
  mountNamespace: string;
  mounts: CachedMount[];
}

function mountNamespace(): string {
  return readlinkSync("/proc/self/ns/mnt");
}


function sameRoot(m: CachedMount): boolean {
  try {
    const st = statSync(m.mountpoint);
    return st.dev === m.dev && st.ino === m.ino;
  } catch {
    return false;
  }
}

/** The cached cgroup mounts if they still hold, else undefined. */
export function cachedCgroupMounts(file: string): CgroupMount[] | undefined {
  let c: CacheFile;
  try {
    c = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
  } catch {
    return undefined;
  }
  if (c.bootId !== bootId() || c.mountNamespace !== mountNamespace() || !c.mounts?.length || !c.mounts.every(sameRoot)) return undefined;
  return c.mounts.map(({ dev: _d, ino: _i, ...m }) => m);
}

/** Writes the cache (atomically: a concurrent reader sees the old file or the new). Best effort. */
export function storeCgroupMounts(file: string, mounts: CgroupMount[]): void {
  try {
    const withRoots = mounts.map((m) => {
      const st = statSync(m.mountpoint);
      return { ...m, dev: st.dev, ino: st.ino };
    });
    const body: CacheFile = { bootId: bootId(), mountNamespace: mountNamespace(), mounts: withRoots };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, file);
  } catch {} // uncached: the next process reads mountinfo again
}
