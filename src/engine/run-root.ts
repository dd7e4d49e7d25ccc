// The engine's run root: where a container's ephemeral files live (bundle, hosts files, monitor
// status, ctl fifo, leases, pinned namespaces, attach sockets, the runtimes' state), apart from
// the persistent root (SQLite, images, volumes, logs), as docker's exec-root, podman's runroot and
// containerd's state dir are. Its content describes processes and mounts of this boot only.
//
// Where: $NSBOX_RUNROOT; else /run/nsbox for the default root (/var/lib/nsbox); else <root>/run,
// so that a private root (tests, benches) never shares a run root with another and goes whole
// with `system reset`.
//
// Boot-cleared, as /run is: a run root that is not on a tmpfs gets one mounted over it (mode
// 0700, noexec: nothing is executed from there) under a lock, so concurrent first uses mount one.
// Besides the guarantee this is the speed of a container start: every start makes ~15 files here
// and every removal deletes them, which a tmpfs does in memory (on an ext4 without a journal the
// inode allocator slows down as files are deleted; docs/performance.md). A run root that cannot be
// a tmpfs (no CAP_SYS_ADMIN) is cleared by hand: it records the boot it belongs to
// (/proc/sys/kernel/random/boot_id), and content from another boot is removed at the first open.
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { mount, MNT_DETACH, tryLockExclusive, umount } from "../linux/libc.ts";
import { readMountinfo } from "../linux/mountinfo.ts";
import { bootId } from "../linux/proc.ts";

export const DEFAULT_RUN_ROOT = "/run/nsbox";
const TMPFS_MAGIC = 0x01021994;
const MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;
/** What the engine keeps in a run root; only these go when it is cleared (NSBOX_RUNROOT may name a shared directory). */
export const RUN_ROOT_ENTRIES = ["containers", "sock", "waiters", "runtime"];
const BOOT_FILE = "boot_id";

/** Pure: the run root of an engine root. */
export function runRootFor(root: string, defaultRoot: string, env: string | undefined): string {
  if (env) return env;
  return root === defaultRoot ? DEFAULT_RUN_ROOT : `${root}/run`;
}

function recordedBoot(dir: string): string | undefined {
  try {
    return readFileSync(`${dir}/${BOOT_FILE}`, "utf8").trim();
  } catch {
    return undefined;
  }
}

function onTmpfs(dir: string): boolean {
  try {
    return Number(statfsSync(dir).type) === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/** Mount points strictly below `dir`, deepest first. */
export function mountsBelow(dir: string, self = false): string[] {
  return readMountinfo()
    .map((m) => m.mountPoint)
    .filter((m) => (self && m === dir) || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Removes what a previous boot left (the engine's entries only; a crash's mounts lazily unmounted). */
function clearStale(dir: string): void {
  for (const m of mountsBelow(dir)) {
    try {
      umount(m, MNT_DETACH);
    } catch {}
  }
  for (const name of readdirSync(dir)) {
    if (RUN_ROOT_ENTRIES.some((e) => name === e || name.startsWith(`${e}-`))) rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
}

/**
 * Makes `dir` a run root of this boot: a tmpfs (mounted if it is not one and we may), with no
 * content from an earlier boot. Cheap when it already is one: two small reads.
 */
export function prepareRunRoot(dir: string): void {
  const boot = bootId();
  if (recordedBoot(dir) === boot) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The lock is on the directory itself (the one under any tmpfs we mount): whoever holds it
  // mounts, the others then see the tmpfs and the boot file.
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_CLOEXEC);
  try {
    while (!tryLockExclusive(fd, dir)) Bun.sleepSync(1);
    if (recordedBoot(dir) === boot) return;
    if (!onTmpfs(dir)) {
      try {
        mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700");
      } catch {} // not allowed: a plain directory, cleared by the boot check below
    }
    clearStale(dir);
    writeFileSync(`${dir}/${BOOT_FILE}`, `${boot}\n`);
  } finally {
    closeSync(fd);
  }
}

/**
 * `system reset`: the engine's entries of the run root go, with every mount below it (a crash's
 * pins) and its tmpfs; the directory too when nothing else is left in it ($NSBOX_RUNROOT may
 * name a directory that holds more).
 */
export function removeRunRoot(dir: string): void {
  if (!existsSync(dir)) return;
  clearStale(dir);
  rmSync(`${dir}/${BOOT_FILE}`, { force: true });
  if (readdirSync(dir).length) return;
  for (const m of mountsBelow(dir, true)) {
    try {
      umount(m, MNT_DETACH);
    } catch {}
  }
  try {
    rmdirSync(dir); // what the tmpfs covered stays, if anything did
  } catch {}
}
