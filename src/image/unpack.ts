// Unpacks one image layer (a tar stream) into a directory, safely (see safepath.ts).
//
// Two modes, matching the two ways a root filesystem is made:
// - "layer": into an empty directory that becomes an overlayfs lower dir. Whiteouts become what
//   overlayfs understands: `.wh.NAME` → a 0/0 character device NAME, `.wh..wh..opq` → the
//   directory's `trusted.overlay.opaque=y` xattr.
// - "apply": onto a tree that already holds the layers below (copy mode, no overlayfs): `.wh.NAME`
//   deletes NAME, `.wh..wh..opq` deletes what the lower layers had in that directory.
// Modes, owners, mtimes and xattrs (incl. security.capability) are preserved. Device nodes are
// created only with `allowDevices`; otherwise skipped with a warning.
import * as fs from "node:fs";
import type { TarEntry } from "./tar/reader.ts";
import { readTar } from "./tar/reader.ts";
import { cleanEntryPath, SafeTree, UnsafeArchiveError } from "./safepath.ts";
import { lsetxattr, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from "../linux/libc.ts";

export { UnsafeArchiveError };

export interface UnpackOptions {
  mode: "layer" | "apply";
  allowDevices?: boolean;
  /** chown entries to their uid/gid; default: when running as root. */
  preserveOwners?: boolean;
  onWarning?: (message: string) => void;
}

export interface UnpackResult {
  entries: number;
  warnings: string[];
}

const WH = ".wh.";
const OPAQUE = ".wh..wh..opq";
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

interface DeferredDir {
  parts: string[];
  mode: number;
  mtime: number;
}

export async function unpackLayer(source: AsyncIterable<Uint8Array>, target: string, opts: UnpackOptions): Promise<UnpackResult> {
  const u = new Unpacker(target, opts);
  for await (const entry of readTar(source)) await u.entry(entry);
  u.finish();
  return { entries: u.count, warnings: u.warnings };
}

class Unpacker {
  count = 0;
  warnings: string[] = [];
  private tree: SafeTree;
  private dirs: DeferredDir[] = [];
  private written = new Set<string>(); // rel paths created by this layer (apply-mode opaque dirs keep them)
  private owners: boolean;

  constructor(readonly target: string, readonly opts: UnpackOptions) {
    this.tree = new SafeTree(target);
    this.owners = opts.preserveOwners ?? process.getuid?.() === 0;
  }

  private warn(msg: string): void {
    this.warnings.push(msg);
    this.opts.onWarning?.(msg);
  }

  async entry(e: TarEntry): Promise<void> {
    this.count++;
    const parts = cleanEntryPath(e.name);
    if (parts.length === 0) {
      // The root itself ("./"): take its metadata, never replace it.
      if (e.type === "dir") this.dirs.push({ parts, mode: e.mode, mtime: e.mtime });
      return;
    }
    const base = parts[parts.length - 1]!;
    if (base.startsWith(WH)) return this.whiteout(parts, base, e.name);
    this.tree.parents(parts, true, `entry '${e.name}'`);
    const rel = parts.join("/");
    const path = this.tree.full(parts);
    const existing = this.tree.lstat(parts);
    if (existing && !(existing.isDirectory() && e.type === "dir")) {
      if (e.type === "link" && this.linkTarget(e) === rel) return; // a hardlink to itself: nothing to do
      this.tree.remove(parts);
    }
    this.written.add(rel);
    switch (e.type) {
      case "dir":
        if (!existing?.isDirectory()) fs.mkdirSync(path, 0o700);
        this.tree.markDir(parts);
        this.dirs.push({ parts, mode: e.mode, mtime: e.mtime });
        this.meta(path, e, false);
        return;
      case "file":
        return this.file(path, e);
      case "symlink":
        fs.symlinkSync(e.linkname, path);
        this.meta(path, e, true);
        return;
      case "link": {
        const from = this.linkTarget(e);
        const fromParts = from.split("/");
        this.tree.parents(fromParts, false, `hardlink '${e.name}' -> '${e.linkname}'`);
        const st = this.tree.lstat(fromParts);
        if (!st) throw new UnsafeArchiveError(`hardlink '${e.name}' -> '${e.linkname}': target not in the archive`);
        if (st.isDirectory()) throw new UnsafeArchiveError(`hardlink '${e.name}' -> '${e.linkname}': target is a directory`);
        fs.linkSync(this.tree.full(fromParts), path);
        return;
      }
      case "fifo":
        mknod(path, S_IFIFO | (e.mode & 0o777));
        this.meta(path, e, false);
        return;
      case "char":
      case "block":
        if (!this.opts.allowDevices) {
          this.written.delete(rel);
          return this.warn(`skipped device node '${e.name}' (devices not allowed)`);
        }
        mknod(path, (e.type === "char" ? S_IFCHR : S_IFBLK) | (e.mode & 0o777), e.devmajor, e.devminor);
        this.meta(path, e, false);
        return;
      default:
        this.written.delete(rel);
        this.warn(`skipped '${e.name}': unsupported tar entry type`);
    }
  }

  private linkTarget(e: TarEntry): string {
    const parts = cleanEntryPath(e.linkname);
    if (parts.length === 0) throw new UnsafeArchiveError(`hardlink '${e.name}' -> '${e.linkname}': invalid target`);
    return parts.join("/");
  }

  private async file(path: string, e: TarEntry): Promise<void> {
    const fd = fs.openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      for await (const chunk of e.body()) {
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      }
      if (this.owners) fs.fchownSync(fd, e.uid, e.gid);
      fs.fchmodSync(fd, e.mode); // after chown, which clears setuid/setgid
      this.xattrs(path, e);
      fs.futimesSync(fd, e.mtime, e.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Owner, mode, xattrs and mtime of a just-created entry (path's parents verified, final not followed). */
  private meta(path: string, e: TarEntry, isLink: boolean): void {
    if (this.owners) fs.lchownSync(path, e.uid, e.gid);
    if (!isLink && e.type !== "dir") fs.chmodSync(path, e.mode);
    this.xattrs(path, e);
    if (e.type !== "dir") fs.lutimesSync(path, e.mtime, e.mtime);
  }

  private xattrs(path: string, e: TarEntry): void {
    for (const [name, value] of e.xattrs) {
      // An image must not plant overlayfs' own markers (opaque, redirect, metacopy): they would
      // change what the merged tree shows beyond what the tar's entries say.
      if (name.startsWith("trusted.overlay.")) {
        this.warn(`ignored xattr ${name} on '${e.name}'`);
        continue;
      }
      try {
        lsetxattr(path, name, value);
      } catch (err) {
        this.warn(`could not set xattr ${name} on '${e.name}': ${(err as Error).message}`);
      }
    }
  }

  private whiteout(parts: string[], base: string, name: string): void {
    const dirParts = parts.slice(0, -1);
    this.tree.parents(parts, true, `whiteout '${name}'`);
    if (base === OPAQUE) {
      if (this.opts.mode === "layer") {
        lsetxattr(this.tree.full(dirParts), "trusted.overlay.opaque", Buffer.from("y"));
      } else {
        const dir = this.tree.full(dirParts);
        const prefix = dirParts.length ? dirParts.join("/") + "/" : "";
        for (const child of fs.readdirSync(dir)) {
          if (!this.written.has(prefix + child)) this.tree.remove([...dirParts, child]);
        }
      }
      return;
    }
    if (base.startsWith(WH + WH)) return; // other aufs metadata (.wh..wh.plnk, ...): not content
    const victim = [...dirParts, base.slice(WH.length)];
    if (cleanEntryPath(victim.join("/")).length !== victim.length) {
      throw new UnsafeArchiveError(`whiteout '${name}' names an invalid path`);
    }
    if (this.tree.lstat(victim)) this.tree.remove(victim);
    if (this.opts.mode === "layer") mknod(this.tree.full(victim), S_IFCHR, 0, 0);
  }

  /** Directory modes and mtimes last (creating children changes a dir's mtime), deepest first. */
  finish(): void {
    this.dirs.sort((a, b) => b.parts.length - a.parts.length);
    for (const d of this.dirs) {
      try {
        this.tree.parents(d.parts, false, "directory");
      } catch {
        continue; // a later entry replaced a parent: this dir is gone from the tree
      }
      const st = this.tree.lstat(d.parts);
      if (!st?.isDirectory()) continue;
      const path = this.tree.full(d.parts);
      fs.chmodSync(path, d.mode);
      fs.lutimesSync(path, d.mtime, d.mtime);
    }
  }
}
