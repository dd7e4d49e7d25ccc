// unmountAll (src/linux/mountinfo.ts): every layer of a stack of mounts at one path goes, as the
// engine's rm needs for pinned namespaces and a shareable /dev/shm. Needs root.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { mount } from "../../src/linux/libc.ts";
import { isMountPoint, unmountAll } from "../../src/linux/mountinfo.ts";

const dir = mkdtempSync("/tmp/nsbox-mount-stack-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.skipIf(process.getuid?.() !== 0)("two tmpfs stacked on one directory: both go; nothing mounted is a no-op", () => {
  mount("tmpfs", dir, "tmpfs", 0, "size=1m");
  mount("tmpfs", dir, "tmpfs", 0, "size=1m");
  expect(isMountPoint(dir)).toBe(true);
  unmountAll(dir);
  expect(isMountPoint(dir)).toBe(false);
  expect(require("node:fs").readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(` ${dir} `);
  unmountAll(dir);
  unmountAll(`${dir}/missing`);
});
