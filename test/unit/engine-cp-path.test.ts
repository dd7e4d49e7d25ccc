// scopedPath: a container path resolved under its root as chroot would, never outside it.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { scopedPath } from "../../src/engine/cp/scoped-path.ts";

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
