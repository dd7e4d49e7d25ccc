// A lock file between processes that removes itself: flock(2) on <path>, which the kernel drops
// when the holder dies however it dies, so there is no stale lock to judge by pid. The holder
// unlinks the file before closing it; a process that opened the old file meanwhile finds, once it
// holds the lock, that its inode is no longer the one at <path>, and tries again.
import * as fs from "node:fs";
import { tryLockExclusive } from "./libc.ts";

export interface FileLock {
  /** Removes the lock file and drops the lock. */
  release(): void;
}

/** Takes the lock at `path` if no other process holds it; undefined when one does. */
export function tryLockFile(path: string): FileLock | undefined {
  for (;;) {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_CLOEXEC, 0o600);
    let held = false;
    try {
      if (!tryLockExclusive(fd, path)) return undefined;
      held = sameFile(fd, path);
      if (!held) continue; // unlinked by the holder we waited behind: lock the file now there
    } finally {
      if (!held) fs.closeSync(fd);
    }
    return {
      release() {
        fs.rmSync(path, { force: true });
        fs.closeSync(fd);
      },
    };
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    return fs.statSync(path).ino === fs.fstatSync(fd).ino;
  } catch {
    return false; // gone
  }
}
