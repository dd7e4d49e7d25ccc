// Path safety for unpacking untrusted archives into a directory tree that only we write to.
//
// The property: whatever an archive says, every file operation lands inside `root`. Entry names
// are cleaned lexically ('..' that would climb above the root is refused, a leading '/' is dropped),
// and every parent directory is checked with lstat, component by component: a parent that is a
// symlink (extracted earlier, or already in the tree) is refused, so no write ever goes through a
// symlink. The final component is created with O_EXCL|O_NOFOLLOW (or after removing what was
// there), so it can't be redirected either. Nothing else writes into the target while we unpack
// (a fresh staging dir or a container's own rootfs), so these checks can't be raced.
import * as fs from "node:fs";
import { UserError } from "../common/errors.ts";

export class UnsafeArchiveError extends UserError {}

/**
 * Cleans an entry name to path components relative to the root. Returns [] for the root itself.
 * Throws UnsafeArchiveError when '..' climbs above the root.
 */
export function cleanEntryPath(name: string): string[] {
  const out: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) throw new UnsafeArchiveError(`entry '${name}' points outside the root (..)`);
      out.pop();
    } else {
      if (part.includes("\0")) throw new UnsafeArchiveError(`entry '${name}' has a NUL byte in its name`);
      out.push(part);
    }
  }
  return out;
}

function isENOENT(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** Walks `root` safely: verifies (and optionally creates) parent directories without following symlinks. */
export class SafeTree {
  private verified = new Set<string>(); // relative dir paths known to be real directories

  constructor(readonly root: string) {}

  full(parts: string[]): string {
    return parts.length ? `${this.root}/${parts.join("/")}` : this.root;
  }

  /**
   * Ensures every directory above `parts` exists and is a real directory (no symlink, no file).
   * Missing ones are created (mode 0755) when `create`, else an ENOENT error is thrown.
   */
  parents(parts: string[], create: boolean, what: string): void {
    let rel = "";
    for (let i = 0; i < parts.length - 1; i++) {
      rel = rel ? `${rel}/${parts[i]}` : parts[i]!;
      if (this.verified.has(rel)) continue;
      const p = `${this.root}/${rel}`;
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(p);
      } catch (e) {
        if (!isENOENT(e)) throw e;
      }
      if (!st) {
        if (!create) throw new UnsafeArchiveError(`${what}: '${rel}' does not exist`);
        fs.mkdirSync(p, 0o755);
      } else if (st.isSymbolicLink()) {
        throw new UnsafeArchiveError(`${what}: parent '${rel}' is a symlink (refusing to write through it)`);
      } else if (!st.isDirectory()) {
        throw new UnsafeArchiveError(`${what}: parent '${rel}' is not a directory`);
      }
      this.verified.add(rel);
    }
  }

  /** lstat of a path whose parents were verified; undefined when absent. */
  lstat(parts: string[]): fs.Stats | undefined {
    try {
      return fs.lstatSync(this.full(parts));
    } catch (e) {
      if (isENOENT(e)) return undefined;
      throw e;
    }
  }

  /** Removes what is at `parts` (a whole subtree for a directory; a symlink itself, never its target). */
  remove(parts: string[]): void {
    const rel = parts.join("/");
    fs.rmSync(this.full(parts), { recursive: true, force: true });
    for (const v of this.verified) if (v === rel || v.startsWith(rel + "/")) this.verified.delete(v);
  }

  /** A directory was created or confirmed at `parts` by us. */
  markDir(parts: string[]): void {
    this.verified.add(parts.join("/"));
  }
}
