import { expect, test } from "bun:test";
import { isMountPoint, parseMountinfo } from "../../src/linux/mountinfo.ts";

test("mount points are unescaped; the type is the first field after the separator", () => {
  const text = [
    "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
    "40 22 0:4 net:[4026532008] /run/netns/a\\134b rw shared:5 - nsfs nsfs rw",
    "41 22 0:4 / /opt/tag rw shared:5 unbindable - tmpfs none rw",
    "",
  ].join("\n");
  expect(parseMountinfo(text)).toEqual([
    { mountPoint: "/mnt/with space", fsType: "ext3" },
    { mountPoint: "/run/netns/a\\b", fsType: "nsfs" },
    { mountPoint: "/opt/tag", fsType: "tmpfs" },
  ]);
});

test("isMountPoint: another file system than the parent's; false for a plain directory or a missing path", () => {
  expect(isMountPoint("/proc")).toBe(true);
  expect(isMountPoint("/proc/self/fd")).toBe(false);
  expect(isMountPoint("/nonexistent-nsbox-path/x")).toBe(false);
});
