// Safe unpacking of hostile layers: nothing outside the target is created, changed or read;
// whiteouts in both modes; metadata preserved. Needs root (chown, mknod, trusted.* xattrs).
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { buildTar } from "../../src/image/tar/writer.ts";
import { unpackLayer, UnsafeArchiveError } from "../../src/image/unpack.ts";
import { lgetxattr } from "../../src/linux/libc.ts";
import { dir, type E, file, hardlink, snapshot, symlink, tempDir } from "./image-fixtures.ts";

const base = tempDir("unpack");
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

let target: string, outside: string, before: Map<string, string>;
beforeEach(() => {
  const t = fs.mkdtempSync(`${base}/case-`);
  target = `${t}/target`;
  outside = `${t}/outside`;
  fs.mkdirSync(target);
  fs.mkdirSync(outside);
  fs.writeFileSync(`${outside}/secret`, "top secret");
  fs.writeFileSync(`${outside}/victim`, "unchanged");
  fs.chmodSync(outside, 0o755);
  before = snapshot(outside);
});

async function* chunks(b: Buffer, size = 700) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); // odd chunking: headers split across chunks
}
const unpack = (entries: E[], mode: "layer" | "apply" = "layer", allowDevices = false) =>
  unpackLayer(chunks(buildTar(entries)), target, { mode, allowDevices });
const outsideUntouched = () => expect(snapshot(outside)).toEqual(before);

describe("hostile entries", () => {
  test("'..' that climbs out of the root is refused", async () => {
    await expect(unpack([file("a/../../outside/evil")])).rejects.toThrow(UnsafeArchiveError);
    await expect(unpack([file("../outside/victim", "pwned")])).rejects.toThrow(/outside the root/);
    outsideUntouched();
  });

  test("absolute names land inside the target", async () => {
    await unpack([file(`${outside}/victim`, "pwned"), file("/abs", "ok")]);
    expect(fs.readFileSync(`${target}${outside}/victim`, "utf8")).toBe("pwned");
    expect(fs.readFileSync(`${target}/abs`, "utf8")).toBe("ok");
    outsideUntouched();
  });

  test("writing through an absolute symlink extracted earlier is refused", async () => {
    await expect(unpack([symlink("link", outside), file("link/evil", "pwned")])).rejects.toThrow(/symlink/);
    await expect(unpack([symlink("l2", outside), file("l2/victim", "pwned")])).rejects.toThrow(UnsafeArchiveError);
    outsideUntouched();
  });

  test("writing through a relative symlink (../..) is refused, also via nested dirs", async () => {
    await expect(unpack([dir("d/"), symlink("d/up", "../../outside"), file("d/up/evil")])).rejects.toThrow(/symlink/);
    await expect(unpack([symlink("x", "."), symlink("x/y", "../outside"), file("x/y/victim", "pwned")])).rejects.toThrow(/symlink/);
    outsideUntouched();
  });

  test("a directory replaced by a symlink does not redirect later entries or deferred metadata", async () => {
    await expect(unpack([dir("d/", { mode: 0o700, mtime: 5 }), dir("d/sub/", { mode: 0o700 }), symlink("d", outside), file("d/evil")])).rejects.toThrow(/symlink/);
    outsideUntouched();
    fs.rmSync(target, { recursive: true });
    fs.mkdirSync(target);
    // Without the write, finishing must not chmod/utime the symlink's target either.
    await unpack([dir("d/", { mode: 0o700, mtime: 5 }), symlink("d", outside)]);
    expect(fs.lstatSync(`${target}/d`).isSymbolicLink()).toBe(true);
    outsideUntouched();
  });

  test("a file entry replaces a symlink instead of writing through it", async () => {
    await unpack([symlink("f", `${outside}/victim`), file("f", "new")]);
    expect(fs.lstatSync(`${target}/f`).isFile()).toBe(true);
    expect(fs.readFileSync(`${target}/f`, "utf8")).toBe("new");
    outsideUntouched();
  });

  test("hardlinks to files outside the root are refused (no read of the outside file)", async () => {
    await expect(unpack([hardlink("h", "../outside/secret")])).rejects.toThrow(/outside the root/);
    await expect(unpack([hardlink("h", `${outside}/secret`)])).rejects.toThrow(/not in the archive|does not exist/);
    await expect(unpack([symlink("s", outside), hardlink("h", "s/secret")])).rejects.toThrow(/symlink/);
    outsideUntouched();
  });

  test("a hardlink to a symlink links the symlink itself, not its target", async () => {
    await unpack([symlink("s", `${outside}/secret`), hardlink("h", "s")]);
    expect(fs.lstatSync(`${target}/h`).isSymbolicLink()).toBe(true);
    outsideUntouched(); // the secret's link count is unchanged
  });

  test("whiteouts can't name paths outside the root", async () => {
    await expect(unpack([file(".wh..."), file("x")])).rejects.toThrow(UnsafeArchiveError);
    await expect(unpack([symlink("l", outside), file("l/.wh.victim")])).rejects.toThrow(/symlink/);
    outsideUntouched();
  });

  test("device nodes are skipped unless allowed; fifos are created", async () => {
    const r = await unpack([{ entry: { name: "null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 } }, { entry: { name: "p", type: "fifo", mode: 0o600 } }]);
    expect(fs.existsSync(`${target}/null`)).toBe(false);
    expect(r.warnings.join()).toContain("device");
    expect(fs.lstatSync(`${target}/p`).isFIFO()).toBe(true);
    await unpack([{ entry: { name: "null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 } }], "layer", true);
    const st = fs.lstatSync(`${target}/null`);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe((1 << 8) | 3);
  });

  test("a corrupted or truncated archive is a clear error", async () => {
    const tar = buildTar([file("a", "x".repeat(2000))]);
    await expect(unpackLayer(chunks(tar.subarray(0, 1024)), target, { mode: "layer" })).rejects.toThrow(/truncated/);
    const bad = Buffer.from(tar);
    bad[10] ^= 0xff;
    await expect(unpackLayer(chunks(bad), target, { mode: "layer" })).rejects.toThrow(/checksum/);
  });
});

describe("whiteouts", () => {
  test("layer mode: overlayfs whiteout devices and opaque xattr", async () => {
    await unpack([dir("a/"), file("a/.wh..wh..opq", ""), file("a/keep"), file(".wh.gone", "")]);
    const wh = fs.lstatSync(`${target}/gone`);
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true);
    expect(lgetxattr(`${target}/a`, "trusted.overlay.opaque")?.toString()).toBe("y");
    expect(fs.readdirSync(`${target}/a`)).toEqual(["keep"]);
  });

  test("apply mode: whiteouts delete lower files, opaque dirs drop lower contents only", async () => {
    await unpack([dir("a/"), file("a/old1"), dir("a/old2/"), file("a/old2/x"), file("gone"), dir("gdir/"), file("gdir/y")], "apply");
    await unpack([file(".wh.gone", ""), file(".wh.gdir", ""), dir("a/"), file("a/new"), file("a/.wh..wh..opq", "")], "apply");
    expect(fs.existsSync(`${target}/gone`)).toBe(false);
    expect(fs.existsSync(`${target}/gdir`)).toBe(false);
    expect(fs.readdirSync(`${target}/a`).sort()).toEqual(["new"]);
  });

  test("an image can't plant overlayfs xattrs of its own", async () => {
    const r = await unpack([dir("d/", { xattrs: new Map([["trusted.overlay.opaque", Buffer.from("y")]]) })]);
    expect(lgetxattr(`${target}/d`, "trusted.overlay.opaque")).toBeUndefined();
    expect(r.warnings.join()).toContain("trusted.overlay.opaque");
  });
});

test("modes, owners, mtimes, xattrs and file capabilities are preserved", async () => {
  // security.capability v2 for cap_net_bind_service (bit 10), permitted+effective
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  await unpack([
    dir("d/", { mode: 0o750, uid: 7, gid: 8, mtime: 1000 }),
    file("d/suid", "x", { mode: 0o4755, uid: 1234, gid: 5678, mtime: 1234567890 }),
    file("d/capped", "y", { mode: 0o755, xattrs: new Map([["security.capability", cap], ["user.note", Buffer.from("hi")]]) }),
    symlink("d/ln", "suid"),
    hardlink("d/hl", "d/suid"),
    file("big", "z".repeat(300_000), { mtime: 42 }),
  ]);
  const s = fs.lstatSync(`${target}/d/suid`);
  expect([s.mode & 0o7777, s.uid, s.gid, s.mtimeMs / 1000]).toEqual([0o4755, 1234, 5678, 1234567890]);
  const d = fs.lstatSync(`${target}/d`);
  expect([d.mode & 0o7777, d.uid, d.gid, d.mtimeMs / 1000]).toEqual([0o750, 7, 8, 1000]);
  expect(lgetxattr(`${target}/d/capped`, "security.capability")).toEqual(cap);
  expect(lgetxattr(`${target}/d/capped`, "user.note")?.toString()).toBe("hi");
  expect(fs.readlinkSync(`${target}/d/ln`)).toBe("suid");
  expect(fs.lstatSync(`${target}/d/hl`).ino).toBe(s.ino);
  expect(fs.readFileSync(`${target}/big`, "utf8").length).toBe(300_000);
  expect(fs.lstatSync(`${target}/big`).mtimeMs).toBe(42_000);
});
