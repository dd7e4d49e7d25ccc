// docker's cp destination rules (plan.ts) and a destination's stat inside a root (statInRoot).
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { assertsDirectory, planCopy, preserveTrailingDotOrSeparator, splitPathDirEntry } from "../../src/engine/cp/plan.ts";
import { statInRoot } from "../../src/engine/cp/scoped-path.ts";

test("splitPathDirEntry and assertsDirectory as moby's", () => {
  expect(["/a/b", "/a/b/", "/a/b/.", "a", "/", "."].map(splitPathDirEntry)).toEqual([["/a", "b"], ["/a", "b"], ["/a/b", "."], [".", "a"], ["/", "/"], [".", "."]]);
  expect(["/a/b", "/a/b/", "/a/b/.", ".", "/"].map(assertsDirectory)).toEqual([false, true, true, true, false]);
  expect([preserveTrailingDotOrSeparator("/x", "y/"), preserveTrailingDotOrSeparator("/x", "y/."), preserveTrailingDotOrSeparator("/x", "y")]).toEqual(["/x/", "/x/.", "/x"]);
});

test("the table: into a directory, renamed over a file or as a new name, docker's refusals", () => {
  expect(planCopy(false, { path: "/d", exists: true, isDir: true })).toEqual({ dir: "/d" });
  expect(planCopy(true, { path: "/d/.", exists: true, isDir: true })).toEqual({ dir: "/d/." });
  expect(planCopy(false, { path: "/d/f", exists: true, isDir: false })).toEqual({ dir: "/d", rename: "f" });
  expect(planCopy(false, { path: "/d/new", exists: false, isDir: false })).toEqual({ dir: "/d", rename: "new" });
  expect(planCopy(true, { path: "/d/new/", exists: false, isDir: false })).toEqual({ dir: "/d", rename: "new" });
  expect(() => planCopy(true, { path: "/d/f", exists: true, isDir: false })).toThrow("cannot copy directory");
  expect(() => planCopy(false, { path: "/d/new/", exists: false, isDir: false })).toThrow("no such directory");
  expect(() => planCopy(false, { path: "/d/new/.", exists: false, isDir: false })).toThrow("no such directory");
});

const root = mkdtempSync("/tmp/nsbox-cp-plan-");
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(`${root}/dir`);
writeFileSync(`${root}/file`, "");
symlinkSync("/dir", `${root}/abs`);
symlinkSync("../../../../nowhere", `${root}/dangling`);
symlinkSync("/etc", `${root}/hostish`);

test("statInRoot: a destination's final link followed inside the root, its parent, trailing slashes", () => {
  expect(statInRoot(root, "/")).toEqual({ path: "/", kind: "dir", parent: "dir" });
  expect(statInRoot(root, "/abs")).toEqual({ path: "/dir", kind: "dir", parent: "dir" });
  expect(statInRoot(root, "/abs/new")).toEqual({ path: "/dir/new", kind: "missing", parent: "dir" });
  expect(statInRoot(root, "/dangling")).toEqual({ path: "/nowhere", kind: "missing", parent: "dir" });
  expect(statInRoot(root, "/hostish/passwd")).toEqual({ path: "/etc/passwd", kind: "missing", parent: "missing" }); // the root's /etc, not the host's
  expect(statInRoot(root, "/file")).toEqual({ path: "/file", kind: "file", parent: "dir" });
  expect(statInRoot(root, "/file/")).toEqual({ path: "/file/", kind: "missing", parent: "dir" });
  expect(statInRoot(root, "/file/x")).toEqual({ path: "/file/x", kind: "missing", parent: "other" });
  expect(statInRoot(root, "dir/.")).toEqual({ path: "/dir/.", kind: "dir", parent: "dir" });
});
