// The few libc calls Bun and Node's fs have no API for, through bun:ffi: poll(2) on a raw fd and
// socketpair(2) for the launcher's sync socket; mknod (overlay whiteouts, fifos, device nodes),
// extended attributes (file capabilities, overlay opaque markers) and mount/umount2 (overlay root
// filesystems, the engine's pinned mounts).
// Also read/write/close on a raw fd and access(2): what launching the launcher needs of node:fs,
// whose first import costs ~1 ms in a fresh compiled process (docs/performance.md); bun:ffi is
// loaded for socketpair anyway.
// And the file-system calls behind fs.ts (open, mkdir, statx, getdents64...): the runtime's
// verbs use that instead of node:fs for the same ~1 ms.
// And the engine's few: chroot and fexecve (cp of a stopped container), a pty of its own with
// its window size and a dup of its master (exec -it with detach keys). And flock(2), which the
// kernel releases when its holder dies (a pull killed with SIGKILL leaves no lock held).
//
// Why bun:ffi and not spawning mknod/setfattr/mount: unpacking calls these per tar entry, and a
// process spawn costs ~1 ms against a few µs here. bun:ffi and the dlopen of libc cost ~0.2-0.6 ms
// once, on first use (not at import: commands that never call these pay nothing). Each call is a
// plain syscall on the caller's thread in the caller's own mount namespace, so Bun's extra threads
// don't matter (unlike setns/unshare, which are the C launcher's job).
import type { Pointer } from "bun:ffi";

type Ptr = Uint8Array | Int32Array | Pointer | null;
type Symbols = {
  poll: (fds: Uint8Array, n: number, timeout: number) => number;
  socketpair: (domain: number, type: number, protocol: number, sv: Int32Array) => number;
  mknod: (path: Buffer, mode: number, dev: bigint) => number;
  lsetxattr: (path: Buffer, name: Buffer, value: Ptr, size: number, flags: number) => number;
  lgetxattr: (path: Buffer, name: Buffer, value: Ptr, size: number) => number;
  llistxattr: (path: Buffer, list: Ptr, size: number) => number;
  mount: (source: Buffer, target: Buffer, fstype: Buffer, flags: number, data: Buffer) => number;
  umount2: (target: Buffer, flags: number) => number;
  __errno_location: () => Pointer;
  read: (fd: number, buf: Uint8Array, n: number) => number;
  write: (fd: number, buf: Uint8Array, n: number) => number;
  close: (fd: number) => number;
  _exit: (code: number) => void;
  access: (path: Buffer, mode: number) => number;
  chroot: (path: Buffer) => number;
  fexecve: (fd: number, argv: Ptr, envp: Ptr) => number;
  posix_openpt: (flags: number) => number;
  grantpt: (fd: number) => number;
  unlockpt: (fd: number) => number;
  ptsname_r: (fd: number, buf: Uint8Array, len: number) => number;
  ioctl: (fd: number, request: number, arg: Ptr) => number;
  dup: (fd: number) => number;
  flock: (fd: number, op: number) => number;
  tcgetattr: (fd: number, termios: Uint8Array) => number;
  tcsetattr: (fd: number, when: number, termios: Uint8Array) => number;
  open: (path: Buffer, flags: number, mode: number) => number;
  mkdir: (path: Buffer, mode: number) => number;
  rmdir: (path: Buffer) => number;
  unlink: (path: Buffer) => number;
  rename: (from: Buffer, to: Buffer) => number;
  link: (from: Buffer, to: Buffer) => number;
  readlink: (path: Buffer, buf: Uint8Array, size: number) => number;
  statx: (dirfd: number, path: Buffer, flags: number, mask: number, buf: Uint8Array) => number;
  getdents64: (fd: number, buf: Uint8Array, size: number) => number;
};
let libc: Symbols | undefined;
let readI32: ((p: Pointer, offset: number) => number) | undefined;
let addressOf: ((view: ArrayBufferView) => Pointer) | undefined;

/** The libc functions, dlopened on first use (for fs.ts; other modules call the wrappers here). */
export function load(): Symbols {
  if (!libc) {
    const { dlopen, FFIType, read, ptr } = require("bun:ffi") as typeof import("bun:ffi");
    const { cstring, i32, u32, u64, ptr: P } = FFIType;
    libc = dlopen("libc.so.6", {
      poll: { args: [P, u64, i32], returns: i32 },
      socketpair: { args: [i32, i32, i32, P], returns: i32 },
      mknod: { args: [cstring, u32, u64], returns: i32 },
      lsetxattr: { args: [cstring, cstring, P, u64, i32], returns: i32 },
      lgetxattr: { args: [cstring, cstring, P, u64], returns: i32 },
      llistxattr: { args: [cstring, P, u64], returns: i32 },
      mount: { args: [cstring, cstring, cstring, u64, cstring], returns: i32 },
      umount2: { args: [cstring, i32], returns: i32 },
      __errno_location: { args: [], returns: P },
      read: { args: [i32, P, u64], returns: FFIType.i64_fast },
      write: { args: [i32, P, u64], returns: FFIType.i64_fast },
      close: { args: [i32], returns: i32 },
      _exit: { args: [i32], returns: FFIType.void },
      access: { args: [cstring, i32], returns: i32 },
      chroot: { args: [cstring], returns: i32 },
      fexecve: { args: [i32, P, P], returns: i32 },
      posix_openpt: { args: [i32], returns: i32 },
      grantpt: { args: [i32], returns: i32 },
      unlockpt: { args: [i32], returns: i32 },
      ptsname_r: { args: [i32, P, u64], returns: i32 },
      ioctl: { args: [i32, u64, P], returns: i32 },
      dup: { args: [i32], returns: i32 },
      flock: { args: [i32, i32], returns: i32 },
      tcgetattr: { args: [i32, P], returns: i32 },
      tcsetattr: { args: [i32, i32, P], returns: i32 },
      // open is variadic in C (mode only with O_CREAT); a fixed third argument is what the
      // x86-64 and aarch64 Linux calling conventions pass it as.
      open: { args: [cstring, i32, u32], returns: i32 },
      mkdir: { args: [cstring, u32], returns: i32 },
      rmdir: { args: [cstring], returns: i32 },
      unlink: { args: [cstring], returns: i32 },
      rename: { args: [cstring, cstring], returns: i32 },
      link: { args: [cstring, cstring], returns: i32 },
      readlink: { args: [cstring, P, u64], returns: FFIType.i64_fast },
      statx: { args: [i32, cstring, i32, u32, P], returns: i32 },
      getdents64: { args: [i32, P, u64], returns: FFIType.i64_fast },
    }).symbols as unknown as Symbols;
    readI32 = read.i32;
    addressOf = ptr;
  }
  return libc;
}

/** Waits until `fd` is readable (or hung up) or `timeoutMs` passes (-1: forever); true if ready. */
export function pollReadable(fd: number, timeoutMs = -1): boolean {
  const pfd = new Uint8Array(8);
  const view = new DataView(pfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, 1 /* POLLIN */, true);
  return load().poll(pfd, 1, timeoutMs) > 0;
}

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;

/** A blocking, close-on-exec unix stream socketpair that only we read (Bun's event loop never sees it). */
export function socketpair(): [number, number] {
  const sv = new Int32Array(2);
  if (load().socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) !== 0) throw new Error("socketpair failed");
  return [sv[0]!, sv[1]!];
}

// errno numbers are the same on x86-64 and aarch64 (asm-generic).
const errnoNames: Record<number, [string, string]> = {
  1: ["EPERM", "operation not permitted"], 2: ["ENOENT", "no such file or directory"],
  3: ["ESRCH", "no such process"], 4: ["EINTR", "interrupted system call"], 5: ["EIO", "i/o error"],
  9: ["EBADF", "bad file descriptor"], 11: ["EAGAIN", "resource temporarily unavailable"],
  12: ["ENOMEM", "not enough memory"], 13: ["EACCES", "permission denied"], 16: ["EBUSY", "resource busy or locked"],
  17: ["EEXIST", "file already exists"], 18: ["EXDEV", "cross-device link not permitted"],
  19: ["ENODEV", "no such device"], 20: ["ENOTDIR", "not a directory"], 21: ["EISDIR", "illegal operation on a directory"],
  22: ["EINVAL", "invalid argument"], 23: ["ENFILE", "file table overflow"], 24: ["EMFILE", "too many open files"],
  26: ["ETXTBSY", "text file is busy"], 28: ["ENOSPC", "no space left on device"], 30: ["EROFS", "read-only file system"],
  31: ["EMLINK", "too many links"], 34: ["ERANGE", "result too large"], 36: ["ENAMETOOLONG", "name too long"],
  38: ["ENOSYS", "function not implemented"], 39: ["ENOTEMPTY", "directory not empty"],
  40: ["ELOOP", "too many symbolic links encountered"], 61: ["ENODATA", "no data available"],
  95: ["EOPNOTSUPP", "operation not supported on socket"], 122: ["EDQUOT", "disk quota exceeded"],
};

/**
 * An errno failure shaped like Node's fs errors: code ("ENOENT"), errno, syscall, path (and dest
 * for rename/link), and the message Node gives ("ENOENT: no such file or directory, open '/x'"),
 * so callers (and messages) treat both alike. errno is positive here (Node's is negated).
 */
export class SysError extends Error {
  readonly code: string;
  readonly dest?: string;
  constructor(readonly errno: number, readonly syscall: string, readonly path: string, dest?: string) {
    const [code, text] = errnoNames[errno] ?? [`errno ${errno}`, "unknown error"];
    super(`${code}: ${text}, ${syscall} '${path}'${dest === undefined ? "" : ` -> '${dest}'`}`);
    this.code = code;
    if (dest !== undefined) this.dest = dest;
  }
}

/** The calling thread's errno (read right after the failed call, before anything else runs in libc). */
export function lastErrno(): number {
  return readI32!(load().__errno_location(), 0);
}

/** A NUL-terminated copy of `s` (UTF-8) for a `const char *` argument. A NUL inside would make
 * C see a shorter string (another path): refused, as node:fs refuses it. */
export function cstr(s: string): Buffer {
  if (s.includes("\0")) throw new TypeError(`a string with a NUL byte: ${JSON.stringify(s)}`);
  return Buffer.from(s + "\0");
}
/** `rc` if the call succeeded (>= 0); else throws its errno as a SysError. */
export function check(rc: number, syscall: string, path: string, dest?: string): number {
  if (rc >= 0) return rc;
  throw new SysError(lastErrno(), syscall, path, dest);
}

export const S_IFIFO = 0o010000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  // glibc's makedev encoding.
  const dev = (BigInt(major & 0xfff) << 8n) | BigInt(minor & 0xff) | (BigInt(minor & ~0xff) << 12n) |
    (BigInt(major & ~0xfff) << 32n);
  check(load().mknod(cstr(path), mode, dev), "mknod", path);
}

export function lsetxattr(path: string, name: string, value: Buffer): void {
  const v = value.length ? value : Buffer.alloc(1);
  check(load().lsetxattr(cstr(path), cstr(name), v, value.length, 0), "lsetxattr", path);
}

/** Value of one xattr, or undefined when the file doesn't have it. */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const buf = Buffer.alloc(65536);
  try {
    const n = check(load().lgetxattr(cstr(path), cstr(name), buf, buf.length), "lgetxattr", path);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof SysError && (e.code === "ENODATA" || e.code === "EOPNOTSUPP")) return undefined;
    throw e;
  }
}

export function llistxattr(path: string): string[] {
  const buf = Buffer.alloc(65536);
  let n: number;
  try {
    n = check(load().llistxattr(cstr(path), buf, buf.length), "llistxattr", path);
  } catch (e) {
    if (e instanceof SysError && e.code === "EOPNOTSUPP") return [];
    throw e;
  }
  return buf.subarray(0, n).toString("latin1").split("\0").filter(Boolean);
}

export const MS_RDONLY = 1, MNT_DETACH = 2;

export function mount(source: string, target: string, fstype: string, flags: number, data: string): void {
  check(load().mount(cstr(source), cstr(target), cstr(fstype), flags, cstr(data)), "mount", target);
}

export function umount(target: string, flags = 0): void {
  check(load().umount2(cstr(target), flags), "umount2", target);
}

const EINTR = 4;

/** Calls `syscall` again while it fails with EINTR (a signal handled by the process meanwhile). */
export function restarting(syscall: () => number): number {
  for (;;) {
    const rc = syscall();
    if (rc >= 0 || lastErrno() !== EINTR) return rc;
  }
}

/** read(2) into `buf`: the byte count, 0 at EOF. Blocks; restarted after a handled signal. */
export function readFd(fd: number, buf: Uint8Array): number {
  return check(restarting(() => load().read(fd, buf, buf.length)), "read", `fd ${fd}`);
}

/** write(2) of `buf` from `offset`: the byte count written; restarted after a handled signal. */
export function writeFd(fd: number, buf: Uint8Array, offset = 0): number {
  return check(restarting(() => load().write(fd, buf.subarray(offset), buf.length - offset)), "write", `fd ${fd}`);
}

/**
 * _exit(2): ends the process at once, without Bun's teardown after the work (~1 ms: its runtime,
 * threads and mappings; docs/performance.md). Only for a caller with no output pending
 * (console.log and write(2) write at once; a Node stream may hold data) and nothing left to close.
 */
export function exitNow(code: number): never {
  load()._exit(code);
  throw new Error("_exit returned"); // unreachable
}

export function closeFd(fd: number): void {
  check(load().close(fd), "close", `fd ${fd}`);
}

/** Whether `path` exists (following symlinks), as node:fs existsSync answers. */
export function pathExists(path: string): boolean {
  return load().access(cstr(path), 0 /* F_OK */) === 0;
}

/** chroot(2), for a process that has set up its own mount namespace (cp of a stopped container). */
export function chroot(path: string): void {
  check(load().chroot(cstr(path)), "chroot", path);
}

/** fexecve(3) of an open executable with argv and envp; returns only by throwing. */
export function fexecve(fd: number, argv: string[], envp: string[]): never {
  const c = load();
  // NUL-terminated strings and the NULL-terminated pointer arrays execve takes; `keep` holds the
  // buffers alive across the call.
  const keep: Buffer[] = [];
  const array = (list: string[]) => {
    const out = new BigUint64Array(list.length + 1);
    list.forEach((s, i) => {
      const b = cstr(s);
      keep.push(b);
      out[i] = BigInt(addressOf!(b));
    });
    return out;
  };
  const a = array(argv), e = array(envp);
  check(c.fexecve(fd, addressOf!(a), addressOf!(e)), "fexecve", argv[0] ?? "");
  throw new Error("unreachable"); // fexecve returns only on failure, which check() throws
}

/** A new pty master (posix_openpt with `flags`, granted and unlocked) and its peer's path. */
export function openPtyMaster(flags: number): { master: number; peer: string } {
  const c = load();
  const master = check(c.posix_openpt(flags), "posix_openpt", "/dev/ptmx");
  const name = new Uint8Array(128);
  try {
    check(c.grantpt(master), "grantpt", "/dev/ptmx");
    check(c.unlockpt(master), "unlockpt", "/dev/ptmx");
    const rc = c.ptsname_r(master, name, name.length);
    if (rc !== 0) throw new SysError(rc, "ptsname_r", "/dev/ptmx"); // returns the errno
  } catch (err) {
    c.close(master);
    throw err;
  }
  return { master, peer: Buffer.from(name.subarray(0, name.indexOf(0))).toString("latin1") };
}

const TIOCSWINSZ = 0x5414;

/** Sets a terminal's window size (TIOCSWINSZ); false when the ioctl fails. */
export function setWindowSize(fd: number, rows: number, cols: number): boolean {
  return load().ioctl(fd, TIOCSWINSZ, new Uint16Array([rows, cols, 0, 0]) as unknown as Uint8Array) === 0;
}

/** dup(2): the new fd, or -1. */
export function dupFd(fd: number): number {
  return load().dup(fd);
}

const LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = 11;

/** flock(LOCK_EX | LOCK_NB): true when taken, false when another open file holds it. */
export function tryLockExclusive(fd: number, path: string): boolean {
  const rc = restarting(() => load().flock(fd, LOCK_EX | LOCK_NB));
  if (rc !== 0 && lastErrno() === EWOULDBLOCK) return false;
  check(rc, "flock", path);
  return true;
}

/**
 * Turns a terminal's output post-processing (OPOST: "\n" written as "\r\n") on or off; returns
 * whether it was on, or undefined when `fd` is no terminal. struct termios starts with c_iflag,
 * then c_oflag (u32 each) on every Linux architecture; glibc's struct is 60 bytes.
 */
export function setOutputProcessing(fd: number, on: boolean): boolean | undefined {
  const termios = new Uint8Array(64);
  const lib = load();
  if (lib.tcgetattr(fd, termios) !== 0) return undefined;
  const view = new DataView(termios.buffer);
  const oflag = view.getUint32(4, true);
  const OPOST = 1;
  view.setUint32(4, on ? oflag | OPOST : oflag & ~OPOST, true);
  lib.tcsetattr(fd, 0 /* TCSANOW */, termios);
  return (oflag & OPOST) !== 0;
}
