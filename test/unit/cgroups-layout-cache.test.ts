// The cache of mountinfo's cgroup mounts (src/linux/cgroups/layout-cache.ts), on this machine's
// real mounts: used while every mount point still shows the file system root it was cached with,
// in the same mount namespace; otherwise nothing (detectLayout then reads mountinfo afresh).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { cachedCgroupMounts, storeCgroupMounts } from "../../src/linux/cgroups/layout-cache.ts";
import { parseCgroupMounts } from "../../src/linux/cgroups/layout.ts";

const dir = mkdtempSync(`${tmpdir()}/nsbox-layout-cache-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mounts = parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
const hasCgroups = mounts.length > 0;

test.skipIf(!hasCgroups)("stored mounts come back while they hold", () => {
  const file = `${dir}/a/layout.json`; // its directory is made
  expect(cachedCgroupMounts(file)).toBeUndefined();
  storeCgroupMounts(file, mounts);
  expect(cachedCgroupMounts(file)).toEqual(mounts);
});

/** A freshly stored cache of this machine's mounts with `edit` applied to its file: still used? */
function usedAfter(name: string, edit: (c: Record<string, any>) => void): boolean {
  const file = `${dir}/${name}.json`;
  storeCgroupMounts(file, mounts);
  const c = JSON.parse(readFileSync(file, "utf8"));
  edit(c);
  writeFileSync(file, JSON.stringify(c));
  return cachedCgroupMounts(file) !== undefined;
}

test.skipIf(!hasCgroups)("a mount point that shows another root, or none, invalidates the cache", () => {
  expect(usedAfter("b", () => {})).toBe(true); // the edit itself changes nothing
  expect(usedAfter("b", (c) => void (c.mounts[0].ino += 1))).toBe(false); // as if a subtree of the hierarchy were mounted there instead
  expect(usedAfter("b", (c) => void (c.mounts[0].mountpoint = `${dir}/not-mounted`))).toBe(false); // unmounted: gone or another fs
});

test.skipIf(!hasCgroups)("a cache from another mount namespace is not used", () => {
  expect(usedAfter("c", (c) => void (c.mountNamespace = "mnt:[1]"))).toBe(false);
});

test.skipIf(!hasCgroups)("a cache from another boot is not used (its mounts may number alike)", () => {
  expect(usedAfter("boot", (c) => expect(c.bootId).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()))).toBe(true);
  expect(usedAfter("boot", (c) => void (c.bootId = "00000000-0000-0000-0000-000000000000"))).toBe(false);
});

test("a damaged or empty cache is not used", () => {
  writeFileSync(`${dir}/d.json`, "{not json");
  expect(cachedCgroupMounts(`${dir}/d.json`)).toBeUndefined();
  storeCgroupMounts(`${dir}/e.json`, []);
  expect(cachedCgroupMounts(`${dir}/e.json`)).toBeUndefined();
});
