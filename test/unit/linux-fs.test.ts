// src/linux/fs.ts (node:fs-like calls over libc) against node:fs itself where they should agree:
// contents, stats, directory listings, and errors (code, errno, syscall, path, message).
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as node from "node:fs";
import { tmpdir } from "node:os";
import * as fs from "../../src/linux/fs.ts";

let dir: string;
beforeAll(() => {
  // A tmpfs where there is one: making a thousand files on this VM's /tmp (ext4) takes ~0.7 s.
  dir = node.mkdtempSync(`${node.existsSync("/dev/shm") ? "/dev/shm" : tmpdir()}/nsbox-fs-test-`);
});
afterAll(() => node.rmSync(dir, { recursive: true, force: true }));

/** The error `f` throws, as the fields callers look at. */
function failure(f: () => unknown): { code?: string; errno?: number; syscall?: string; path?: string; dest?: string; message: string } {
  try {
    f();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { dest?: string };
    return { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message };
  }
  throw new Error("did not throw");
}

/** Ours and node:fs's error for the same call agree (node's errno is negated). */
function sameFailure(ours: () => unknown, theirs: () => unknown): void {
  const a = failure(ours), b = failure(theirs);
  expect({ ...a, errno: -a.errno! }).toEqual({ ...b, dest: b.dest });
}

test("readFileSync: text, bytes, a file larger than the 64 KiB scratch buffer, and a /proc file of size 0", () => {
  const big = Buffer.alloc(200_000).map((_, i) => (i * 7919) % 251);
  node.writeFileSync(`${dir}/big`, big);
  node.writeFileSync(`${dir}/small`, "héllo\n");
  expect(fs.readFileSync(`${dir}/big`).equals(big)).toBe(true);
  expect(fs.readFileSync(`${dir}/small`, "utf8")).toBe("héllo\n");
  expect(fs.readFileSync("/proc/self/status", "latin1")).toStartWith("Name:");
  // A Buffer result is a copy: a later read (through the same scratch buffer) leaves it alone.
  const first = fs.readFileSync(`${dir}/small`);
  fs.readFileSync(`${dir}/big`);
  expect(first.toString()).toBe("héllo\n");
});

test("writeFileSync creates with the mode given, truncates, and writes large data whole", () => {
  const file = `${dir}/written`;
  fs.writeFileSync(file, Buffer.alloc(100_000, 1), { mode: 0o600 });
  expect(node.statSync(file).mode & 0o777).toBe(0o600);
  expect(node.readFileSync(file).length).toBe(100_000);
  fs.writeFileSync(file, "short");
  expect(node.readFileSync(file, "utf8")).toBe("short");
});

test("errors carry Node's code, errno, syscall, path (dest) and message", () => {
  const missing = `${dir}/missing`;
  sameFailure(() => fs.readFileSync(missing), () => node.readFileSync(missing));
  sameFailure(() => fs.mkdirSync(dir), () => node.mkdirSync(dir));
  sameFailure(() => fs.renameSync(missing, `${dir}/x`), () => node.renameSync(missing, `${dir}/x`));
  sameFailure(() => fs.unlinkSync(missing), () => node.unlinkSync(missing));
  sameFailure(() => fs.readlinkSync(`${dir}/small`), () => node.readlinkSync(`${dir}/small`));
  sameFailure(() => fs.readdirSync(`${dir}/small`), () => node.readdirSync(`${dir}/small`));
  sameFailure(() => fs.statSync(missing), () => node.statSync(missing));
  expect(failure(() => fs.readFileSync(missing))).toMatchObject({ code: "ENOENT", errno: 2 });
});

test("mkdirSync: EEXIST, or with recursive the missing parents and no error for an existing directory", () => {
  fs.mkdirSync(`${dir}/m`);
  expect(failure(() => fs.mkdirSync(`${dir}/m`)).code).toBe("EEXIST");
  expect(failure(() => fs.mkdirSync(`${dir}/none/m`)).code).toBe("ENOENT");
  fs.mkdirSync(`${dir}/m/a/b/c/`, { recursive: true, mode: 0o711 });
  expect(node.statSync(`${dir}/m/a/b/c`).isDirectory()).toBe(true);
  expect(node.statSync(`${dir}/m/a`).mode & 0o777).toBe(0o711);
  fs.mkdirSync(`${dir}/m/a`, { recursive: true });
  // A file where a directory should be: node:fs's answers.
  sameFailure(() => fs.mkdirSync(`${dir}/small`, { recursive: true }), () => node.mkdirSync(`${dir}/small`, { recursive: true }));
  expect(failure(() => fs.mkdirSync(`${dir}/small/sub`, { recursive: true })).code).toBe(
    failure(() => node.mkdirSync(`${dir}/small/sub`, { recursive: true })).code!,
  );
});

test("rmdirSync: ENOTEMPTY; rmSync: recursive, force, a symlink removed and not followed", () => {
  node.mkdirSync(`${dir}/t/sub/deeper`, { recursive: true });
  node.mkdirSync(`${dir}/keep`);
  node.writeFileSync(`${dir}/keep/file`, "x");
  node.writeFileSync(`${dir}/t/sub/f`, "x");
  node.symlinkSync(`${dir}/keep`, `${dir}/t/link`);
  expect(failure(() => fs.rmdirSync(`${dir}/t`)).code).toBe("ENOTEMPTY");
  expect(failure(() => fs.rmSync(`${dir}/t`)).code).toBe("EISDIR");
  fs.rmSync(`${dir}/t`, { recursive: true, force: true });
  expect(node.existsSync(`${dir}/t`)).toBe(false);
  expect(node.readFileSync(`${dir}/keep/file`, "utf8")).toBe("x");
  fs.rmSync(`${dir}/t`, { recursive: true, force: true });
  expect(failure(() => fs.rmSync(`${dir}/t`, { recursive: true })).code).toBe("ENOENT");
  fs.rmdirSync(`${dir}/keep/../m/a/b/c`);
  expect(node.existsSync(`${dir}/m/a/b/c`)).toBe(false);
});

test("readdirSync: an empty directory, a large one (sorted, as node:fs lists), and file types", () => {
  node.mkdirSync(`${dir}/empty`);
  expect(fs.readdirSync(`${dir}/empty`)).toEqual([]);
  node.mkdirSync(`${dir}/large`);
  // ~80-byte records: more than getdents64 returns into our 32 KiB buffer at once.
  const name = (i: number) => `an-entry-with-a-name-long-enough-to-fill-the-buffer-sooner-${i}`;
  for (let i = 0; i < 1000; i++) node.writeFileSync(`${dir}/large/${name(i)}`, "");
  expect(fs.readdirSync(`${dir}/large`)).toEqual(node.readdirSync(`${dir}/large`).sort());
  expect(fs.readdirSync(`${dir}/large`).length).toBe(1000);
  node.mkdirSync(`${dir}/typed/d`, { recursive: true });
  node.writeFileSync(`${dir}/typed/f`, "");
  node.symlinkSync("d", `${dir}/typed/l`);
  const types = fs.readdirSync(`${dir}/typed`, { withFileTypes: true }).map((e) => [e.name, e.isDirectory(), e.isFile(), e.isSymbolicLink()]);
  expect(types).toEqual([["d", true, false, false], ["f", false, true, false], ["l", false, false, true]]);
});

test("statSync and lstatSync agree with node:fs (device, inode, mode, size, mtime)", () => {
  node.symlinkSync(`${dir}/small`, `${dir}/small-link`);
  for (const path of [dir, `${dir}/small`, `${dir}/small-link`, "/dev/null", "/proc/self/ns/mnt"]) {
    const a = fs.statSync(path), b = node.statSync(path);
    expect([a.dev, a.ino, a.mode, a.nlink, a.uid, a.gid, a.rdev, a.size, a.mtimeMs]).toEqual([b.dev, b.ino, b.mode, b.nlink, b.uid, b.gid, b.rdev, b.size, b.mtimeMs]);
    expect([a.isFile(), a.isDirectory(), a.isFIFO()]).toEqual([b.isFile(), b.isDirectory(), b.isFIFO()]);
  }
  expect(fs.lstatSync(`${dir}/small-link`).isSymbolicLink()).toBe(true);
  expect(fs.lstatSync(`${dir}/small-link`).ino).toBe(node.lstatSync(`${dir}/small-link`).ino);
  expect(fs.readlinkSync(`${dir}/small-link`)).toBe(`${dir}/small`);
});

test("renameSync, linkSync, unlinkSync, existsSync", () => {
  fs.writeFileSync(`${dir}/r1`, "r");
  fs.renameSync(`${dir}/r1`, `${dir}/r2`);
  expect([fs.existsSync(`${dir}/r1`), fs.existsSync(`${dir}/r2`)]).toEqual([false, true]);
  fs.linkSync(`${dir}/r2`, `${dir}/r3`);
  expect(node.statSync(`${dir}/r3`).nlink).toBe(2);
  sameFailure(() => fs.linkSync(`${dir}/r2`, `${dir}/r3`), () => node.linkSync(`${dir}/r2`, `${dir}/r3`));
  fs.unlinkSync(`${dir}/r3`);
  expect(fs.existsSync(`${dir}/r3`)).toBe(false);
});

test("openSync: close-on-exec always; a non-blocking fifo with a writer and no data reads EAGAIN", () => {
  const fifo = `${dir}/fifo`;
  Bun.spawnSync(["mkfifo", fifo]);
  const r = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const w = fs.openSync(fifo, fs.constants.O_WRONLY);
  try {
    const flags = Number.parseInt(/flags:\s+(\d+)/.exec(node.readFileSync(`/proc/self/fdinfo/${r}`, "utf8"))![1]!, 8);
    expect(flags & fs.constants.O_CLOEXEC).toBe(fs.constants.O_CLOEXEC);
    const buf = Buffer.alloc(4);
    expect(failure(() => fs.readSync(r, buf))).toMatchObject({ code: "EAGAIN", syscall: "read" });
    expect(fs.writeSync(w, "ab")).toBe(2);
    expect(fs.readSync(r, buf)).toBe(2);
    expect(buf.subarray(0, 2).toString()).toBe("ab");
  } finally {
    fs.closeSync(r);
    fs.closeSync(w);
  }
});

test("a path with a NUL byte is refused, not cut short at it (existsSync: false, as node:fs)", () => {
  expect(() => fs.readFileSync(`${dir}/small\0/anything`)).toThrow(TypeError);
  expect(() => fs.mkdirSync(`${dir}/x\0`, { recursive: true })).toThrow(TypeError);
  expect([fs.existsSync(`${dir}\0/anything`), node.existsSync(`${dir}\0/anything`)]).toEqual([false, false]);
});
