// The few system calls the image layer needs that Node's fs lacks: mknod (overlay whiteouts,
// fifos, device nodes), extended attributes (file capabilities, overlay opaque markers) and
// mount/umount2 for overlay root filesystems.
//
// Why bun:ffi and not spawning mknod/setfattr/mount: unpacking calls these per tar entry, and a
// process spawn costs ~1 ms against a few µs here; dlopen of libc costs ~0.2 ms once, on first use.
// Each call is a plain syscall on the caller's thread in the caller's own mount namespace, so
// Bun's extra threads don't matter (unlike setns/unshare, which are the C launcher's job).
import { dlopen, FFIType, ptr, read, type Pointer } from "bun:ffi";

const { cstring, i32, u32, u64, ptr: P } = FFIType;
type Libc = ReturnType<typeof openLibc>;
let libc: Libc | undefined;

function openLibc() {
  return dlopen("libc.so.6", {
    mknod: { args: [cstring, u32, u64], returns: i32 },
    lsetxattr: { args: [cstring, cstring, P, u64, i32], returns: i32 },
    lgetxattr: { args: [cstring, cstring, P, u64], returns: i32 },
    llistxattr: { args: [cstring, P, u64], returns: i32 },
    mount: { args: [cstring, cstring, cstring, u64, cstring], returns: i32 },
    umount2: { args: [cstring, i32], returns: i32 },
    __errno_location: { args: [], returns: P },
  }).symbols;
}
function sys(): Libc {
  return (libc ??= openLibc());
}

const errnoNames: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 13: "EACCES", 16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 20: "ENOTDIR",
  22: "EINVAL", 28: "ENOSPC", 34: "ERANGE", 61: "ENODATA", 95: "EOPNOTSUPP", 30: "EROFS", 36: "ENAMETOOLONG",
};

/** An errno failure shaped like Node's fs errors (code, syscall, path), so callers treat both alike. */
export class SysError extends Error {
  constructor(readonly code: string, readonly errno: number, readonly syscall: string, readonly path: string) {
    super(`${code}: ${syscall} ${path}`);
  }
}

function cstr(s: string): Buffer {
  return Buffer.from(s + "\0");
}
function check(rc: number, syscall: string, path: string): number {
  if (rc >= 0) return rc;
  const errno = read.i32(sys().__errno_location() as Pointer, 0);
  throw new SysError(errnoNames[errno] ?? `errno ${errno}`, errno, syscall, path);
}

export const S_IFIFO = 0o010000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  // glibc's makedev encoding.
  const dev = (BigInt(major & 0xfff) << 8n) | BigInt(minor & 0xff) | (BigInt(minor & ~0xff) << 12n) |
    (BigInt(major & ~0xfff) << 32n);
  check(sys().mknod(cstr(path), mode, dev), "mknod", path);
}

export function lsetxattr(path: string, name: string, value: Buffer): void {
  const v = value.length ? value : Buffer.alloc(1);
  check(sys().lsetxattr(cstr(path), cstr(name), ptr(v), value.length, 0), "lsetxattr", path);
}

/** Value of one xattr, or undefined when the file doesn't have it. */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const buf = Buffer.alloc(65536);
  try {
    const n = check(sys().lgetxattr(cstr(path), cstr(name), ptr(buf), buf.length), "lgetxattr", path);
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
    n = check(sys().llistxattr(cstr(path), ptr(buf), buf.length), "llistxattr", path);
  } catch (e) {
    if (e instanceof SysError && e.code === "EOPNOTSUPP") return [];
    throw e;
  }
  return buf.subarray(0, n).toString("latin1").split("\0").filter(Boolean);
}

export const MS_RDONLY = 1, MNT_DETACH = 2;

export function mount(source: string, target: string, fstype: string, flags: number, data: string): void {
  check(sys().mount(cstr(source), cstr(target), cstr(fstype), flags, cstr(data)), "mount", target);
}

export function umount(target: string, flags = 0): void {
  check(sys().umount2(cstr(target), flags), "umount2", target);
}
