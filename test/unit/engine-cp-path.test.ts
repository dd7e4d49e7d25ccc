// scopedPath: a container path resolved under its root as chroot would, never outside it; cp -L's
// source resolution and archive rebasing on top of it.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { followTarSource, resolveInRoot, scopedPath } from "../../src/engine/cp/scoped-path.ts";
import { rebaseArchive, rebaseName } from "../../src/engine/cp/rebase.ts";
import { readTar } from "../../src/image/tar/reader.ts";
import { buildTar } from "../../src/image/tar/writer.ts";

const root = mkdtempSync("/tmp/nsbox-scoped-");
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(`${root}/real/sub`, { recursive: true });
symlinkSync("/real", `${root}/abs`); // absolute: from the container's root
symlinkSync("real/sub", `${root}/rel`);
symlinkSync("../../../../etc", `${root}/real/escape`); // climbs: stops at the root
symlinkSync("/", `${root}/top`);
symlinkSync("loop2", `${root}/loop1`);
symlinkSync("loop1", `${root}/loop2`);

test("plain paths, . and .. at the root", () => {
  expect(scopedPath(root, "/")).toBe(root);
  expect(scopedPath(root, "/real/./sub")).toBe(`${root}/real/sub`);
  expect(scopedPath(root, "/../../real/../../etc/passwd")).toBe(`${root}/etc/passwd`);
});

test("symlinks resolve inside the root: absolute, relative, climbing ones", () => {
  expect(scopedPath(root, "/abs/sub")).toBe(`${root}/real/sub`);
  expect(scopedPath(root, "/rel/x")).toBe(`${root}/real/sub/x`);
  expect(scopedPath(root, "/real/escape/shadow")).toBe(`${root}/etc/shadow`);
  expect(scopedPath(root, "/top/../../x")).toBe(`${root}/x`);
});

test("missing components are kept literally; a loop is an error", () => {
  expect(scopedPath(root, "/abs/new/dir")).toBe(`${root}/real/new/dir`);
  expect(() => scopedPath(root, "/loop1/x")).toThrow(/too many levels/);
});

test("cp -L's source: resolved as a container path, the tar arguments' -C DIR NAME replaced", () => {
  expect(resolveInRoot(root, "/rel")).toBe("/real/sub");
  expect(resolveInRoot(root, "/top")).toBe("/");
  expect(followTarSource(root, ["cf", "-", "-C", "/", "rel"])).toEqual(["cf", "-", "-C", "/real", "sub"]);
  expect(followTarSource(root, ["cf", "-", "-C", "/", "top"])).toEqual(["cf", "-", "-C", "/", "."]);
  expect(() => followTarSource(root, ["cf", "-", "-C", "/", "loop1"])).toThrow("cp: too many levels of symbolic links in /loop1");
});

test("rebase: the archive's top component renamed in names and hard-link targets, never in symlink targets", async () => {
  expect(rebaseName("sub", "sub", "link")).toBe("link");
  expect(rebaseName("sub/", "sub", "link")).toBe("link/");
  expect(rebaseName("sub/x/sub", "sub", "$&")).toBe("$&/x/sub");
  expect(rebaseName("subway", "sub", "link")).toBe("subway");
  const tar = buildTar([
    { entry: { name: "sub/", type: "dir" } },
    { entry: { name: "sub/f", mode: 0o600, uid: 7 }, data: "data" },
    { entry: { name: "sub/h", type: "link", linkname: "sub/f" } },
    { entry: { name: "sub/s", type: "symlink", linkname: "sub/f" } },
  ]);
  const out = new Uint8Array(await new Response(rebaseArchive(new Response(tar).body!, "link")).arrayBuffer());
  const entries = [];
  for await (const e of readTar(new Response(out).body!)) entries.push([e.name, e.type, e.linkname, e.mode, e.uid, Buffer.concat(await Array.fromAsync(e.body())).toString()]);
  expect(entries).toEqual([
    ["link/", "dir", "", 0o755, 0, ""], ["link/f", "file", "", 0o600, 7, "data"], ["link/h", "link", "link/f", 0o644, 0, ""], ["link/s", "symlink", "sub/f", 0o644, 0, ""],
  ]);
  expect(await new Response(rebaseArchive(new Response(new Uint8Array(0)).body!, "x")).arrayBuffer()).toHaveProperty("byteLength", 0); // nothing packed: nothing out
});
