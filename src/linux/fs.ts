// Synchronous file-system calls over libc (bun:ffi, libc.ts), named and behaving like node:fs's
// for what nsbox's callers use of them, errors included (SysError: code, errno, syscall, path and
// Node's message). Why not node:fs: its first import costs ~1 ms in a fresh compiled process,
// and the runtime's verbs (create, start, state, kill, delete: started once per verb by podman
// and containerd) need only a dozen plain syscalls; bun:ffi is loaded by create and start anyway
// (docs/performance.md, "Session 5"). Each call is one syscall on the caller's thread, as
// node:fs's *Sync calls are. Paths are UTF-8, as node:fs takes strings.
import { check, closeFd, cstr, lastErrno, load, pathExists, readFd, restarting, SysError, writeFd } from "./libc.ts";

// O_* values of x86-64 and aarch64 Linux; only O_DIRECTORY and O_NOFOLLOW differ between them.
const arm64 = process.arch === "arm64";
export const constants = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_NOCTTY: 0o400, O_TRUNC: 0o1000,
  O_APPEND: 0o2000, O_NONBLOCK: 0o4000, O_DIRECTORY: arm64 ? 0o40000 : 0o200000,
  O_NOFOLLOW: arm64 ? 0o100000 : 0o400000, O_CLOEXEC: 0o2000000,
  S_IFMT: 0o170000, S_IFREG: 0o100000, S_IFDIR: 0o040000, S_IFLNK: 0o120000, S_IFIFO: 0o010000,
  F_OK: 0,
} as const;
const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_CLOEXEC, O_DIRECTORY } = constants;
const ENOENT = 2, EEXIST = 17, EISDIR = 21;

/** open(2), always close-on-exec (as libuv opens for node:fs): no fd of ours leaks into a child. */
export function openSync(path: string, flags = 0, mode = 0o666): number {
  return check(restarting(() => load().open(cstr(path), flags | O_CLOEXEC, mode)), "open", path);
}

export function closeSync(fd: number): void {
  closeFd(fd);
}

/** One read(2) into `buf`: the byte count, 0 at EOF (EAGAIN on an empty non-blocking fd throws). */
export function readSync(fd: number, buf: Uint8Array): number {
  return readFd(fd, buf);
}

/** One write(2): the byte count written (cgroupfs takes one value per write, so no loop here). */
export function writeSync(fd: number, data: string | Uint8Array): number {
  return writeFd(fd, typeof data === "string" ? Buffer.from(data) : data);
}

// Reads go through one scratch buffer; what is returned is a copy or a decoded string.
let scratch: Buffer | undefined;

export function readFileSync(path: string): Buffer;
export function readFileSync(path: string, encoding: BufferEncoding): string;
export function readFileSync(path: string, encoding?: BufferEncoding): Buffer | string {
  const fd = openSync(path);
  try {
    // Read until EOF: /proc and cgroupfs files report size 0, so stat's size cannot be trusted.
    let buf = (scratch ??= Buffer.allocUnsafe(65536));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = check(restarting(() => load().read(fd, buf.subarray(n), buf.length - n)), "read", path);
      if (got === 0) break;
      n += got;
    }
    if (encoding) return buf.toString(encoding, 0, n);
    return Buffer.from(buf.subarray(0, n)); // a copy: the scratch buffer is reused
  } finally {
    closeFd(fd);
  }
}

/** Creates or truncates `path` (mode for a new file: 0o666 & ~umask unless given) and writes it all. */
export function writeFileSync(path: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  writeAll(openSync(path, O_WRONLY | O_CREAT | O_TRUNC, opts.mode ?? 0o666), data);
}

/** Writes all of `data` to `fd` (write(2) may take part of it), then closes `fd`. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  try {
    for (let off = 0; off < bytes.length; ) off += writeFd(fd, bytes, off);
  } finally {
    closeFd(fd);
  }
}

/** Appends all of `data` to `path` (created if missing): O_APPEND, so concurrent appenders' lines do not overwrite each other. */
export function appendFileSync(path: string, data: string | Uint8Array): void {
  writeAll(openSync(path, O_WRONLY | O_CREAT | O_APPEND), data);
}

/** Whether `path` exists, following symlinks (access F_OK, as node:fs asks); false, as node:fs
 * answers, for a path no file can have (a NUL inside), which the other calls refuse. */
export function existsSync(path: string): boolean {
  return !path.includes("\0") && pathExists(path);
}

/** mkdir(2); with `recursive`, also the missing parents, and an existing directory is no error. */
export function mkdirSync(path: string, opts: { recursive?: boolean; mode?: number } = {}): void {
  const mode = opts.mode ?? 0o777;
  if (!opts.recursive) {
    check(load().mkdir(cstr(path), mode), "mkdir", path);
    return;
  }
  if (load().mkdir(cstr(path), mode) === 0) return;
  const errno = lastErrno();
  if (errno === ENOENT) {
    const parent = parentOf(path);
    if (parent !== path) {
      mkdirSync(parent, opts);
      if (load().mkdir(cstr(path), mode) === 0) return;
      return existingDir(path, lastErrno());
    }
  }
  existingDir(path, errno);
}

/** After a failed mkdir: EEXIST of a directory (made meanwhile, or there all along) is success. */
function existingDir(path: string, errno: number): void {
  if (errno === EEXIST && isDirectory(path)) return;
  throw new SysError(errno, "mkdir", path);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The directory holding `path` ("a/b/" -> "a", "a" -> ".", "/a" -> "/"). */
function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return trimmed === "" ? path : ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

export function rmdirSync(path: string): void {
  check(load().rmdir(cstr(path)), "rmdir", path);
}

export function unlinkSync(path: string): void {
  check(load().unlink(cstr(path)), "unlink", path);
}

export function renameSync(from: string, to: string): void {
  check(load().rename(cstr(from), cstr(to)), "rename", from, to);
}

export function linkSync(existing: string, link: string): void {
  check(load().link(cstr(existing), cstr(link)), "link", existing, link);
}

export function readlinkSync(path: string): string {
  for (let size = 4096; ; size *= 4) {
    const buf = Buffer.allocUnsafe(size);
    const n = check(load().readlink(cstr(path), buf, size), "readlink", path);
    if (n < size) return buf.toString("utf8", 0, n); // n === size: possibly cut short, try bigger
  }
}

/**
 * Removes a file, or with `recursive` a directory tree (symlinks in it are removed, never
 * followed); with `force` a missing path is no error. As node:fs, without `recursive` a
 * directory is refused.
 */
export function rmSync(path: string, opts: { recursive?: boolean; force?: boolean } = {}): void {
  if (load().unlink(cstr(path)) === 0) return;
  const errno = lastErrno();
  if (errno === ENOENT && opts.force) return;
  if (errno !== EISDIR || !opts.recursive) throw new SysError(errno, errno === EISDIR ? "rm" : "unlink", path);
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (err) {
    if (opts.force && (err as SysError).code === "ENOENT") return; // removed meanwhile
    throw err;
  }
  for (const name of names) rmSync(`${path}/${name}`, { recursive: true, force: opts.force });
  if (load().rmdir(cstr(path)) === 0 || (lastErrno() === ENOENT && opts.force)) return;
  throw new SysError(lastErrno(), "rmdir", path);
}

// struct statx (linux/stat.h): the same layout on every architecture, unlike struct stat.
const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, STATX_BASIC_STATS = 0x7ff;

export class Stats {
  constructor(
    readonly dev: number, readonly ino: number, readonly mode: number, readonly nlink: number,
    readonly uid: number, readonly gid: number, readonly rdev: number, readonly size: number,
    readonly mtimeMs: number,
  ) {}
  isFile(): boolean { return (this.mode & constants.S_IFMT) === constants.S_IFREG; }
  isDirectory(): boolean { return (this.mode & constants.S_IFMT) === constants.S_IFDIR; }
  isSymbolicLink(): boolean { return (this.mode & constants.S_IFMT) === constants.S_IFLNK; }
  isFIFO(): boolean { return (this.mode & constants.S_IFMT) === constants.S_IFIFO; }
}

/** glibc's makedev, so dev/rdev read as node:fs's (which gets stat(2)'s st_dev). */
function makedev(major: number, minor: number): number {
  // ((major & 0xfff) << 8) | ((major & ~0xfff) << 32) | (minor & 0xff) | ((minor & ~0xff) << 12),
  // in doubles (node:fs's dev is a number too; real majors are far below 2^9).
  return (major & 0xfff) * 2 ** 8 + (major >>> 12) * 2 ** 44 + (minor & 0xff) + (minor >>> 8) * 2 ** 20;
}

function statx(path: string, flags: number, syscall: string): Stats {
  const buf = new Uint8Array(256);
  check(load().statx(AT_FDCWD, cstr(path), flags, STATX_BASIC_STATS, buf), syscall, path);
  const v = new DataView(buf.buffer);
  const u64 = (off: number) => Number(v.getBigUint64(off, true));
  const u32 = (off: number) => v.getUint32(off, true);
  const mtimeMs = Number(v.getBigInt64(112, true)) * 1000 + u32(120) / 1e6;
  return new Stats(
    makedev(u32(136), u32(140)), u64(32), v.getUint16(28, true), u32(16),
    u32(20), u32(24), makedev(u32(128), u32(132)), u64(40), mtimeMs,
  );
}

/** stat(2), following symlinks. */
export function statSync(path: string): Stats {
  return statx(path, 0, "stat");
}

/** lstat(2): a symlink itself. */
export function lstatSync(path: string): Stats {
  return statx(path, AT_SYMLINK_NOFOLLOW, "lstat");
}

/** A directory entry from readdirSync(path, { withFileTypes: true }). */
export class Dirent {
  constructor(readonly name: string, private readonly type: number) {}
  isFile(): boolean { return this.type === DT_REG; }
  isDirectory(): boolean { return this.type === DT_DIR; }
  isSymbolicLink(): boolean { return this.type === DT_LNK; }
}
const DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;
const typeOfMode: Record<number, number> = { [constants.S_IFDIR]: DT_DIR, [constants.S_IFREG]: DT_REG, [constants.S_IFLNK]: DT_LNK };

/** A directory's entries but "." and "..", sorted by name (node:fs's order: libuv sorts them). */
export function readdirSync(path: string): string[];
export function readdirSync(path: string, opts: { withFileTypes: true }): Dirent[];
export function readdirSync(path: string, opts?: { withFileTypes: true }): string[] | Dirent[] {
  const entries: { name: string; type: number }[] = [];
  const fd = check(restarting(() => load().open(cstr(path), O_DIRECTORY | O_CLOEXEC, 0)), "scandir", path);
  try {
    const buf = Buffer.allocUnsafe(32768);
    for (;;) {
      const n = check(load().getdents64(fd, buf, buf.length), "scandir", path);
      if (n === 0) break;
      // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, NUL-terminated name.
      for (let off = 0; off < n; off += buf.readUInt16LE(off + 16)) {
        const name = buf.toString("utf8", off + 19, buf.indexOf(0, off + 19));
        if (name !== "." && name !== "..") entries.push({ name, type: buf[off + 18]! });
      }
    }
  } finally {
    closeFd(fd);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!opts?.withFileTypes) return entries.map((e) => e.name);
  // Some file systems do not fill in the type: ask lstat, as node:fs does.
  return entries.map((e) => new Dirent(e.name, e.type !== DT_UNKNOWN ? e.type : (typeOfMode[lstatSync(`${path}/${e.name}`).mode & constants.S_IFMT] ?? DT_UNKNOWN)));
}
