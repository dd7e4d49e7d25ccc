import { describe, expect, test } from "bun:test";
import { hierarchyFor, hierarchyName, parseLayout } from "../../src/linux/cgroups/index.ts";
import { parseCgroupMounts, parseSelfCgroup } from "../../src/linux/cgroups/layout.ts";
import { hybrid, v1, v2 } from "../helpers/cgroups-layouts.ts";

describe("cgroup layout detection", () => {
  test("this machine's hybrid layout: v1 controllers plus a unified mount with hugetlb only", () => {
    const l = hybrid();
    expect(l.kind).toBe("hybrid");
    expect(hierarchyFor(l, "memory")).toMatchObject({ version: 1, mountpoint: "/sys/fs/cgroup/memory", ownPath: "/process_api/abc" });
    expect(hierarchyFor(l, "hugetlb")).toMatchObject({ version: 2, mountpoint: "/sys/fs/cgroup/unified" });
    // The side mount does not serve core v2 features the v1 hierarchies provide.
    expect(hierarchyFor(l, "freezer")?.version).toBe(1);
    expect(hierarchyFor(l, "net_cls")).toBeUndefined();
    expect(l.hierarchies.map(hierarchyName)).toContain("name=systemd");
  });

  test("a hybrid layout whose unified mount holds nothing is still hybrid", () => {
    const l = parseLayout(
      "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      "4:memory:/\n0::/\n",
      () => "",
    );
    expect(l.kind).toBe("hybrid");
    expect(hierarchyFor(l, "hugetlb")).toBeUndefined();
  });

  test("v2 only: every controller and the core features come from the one hierarchy", () => {
    const l = v2();
    expect(l.kind).toBe("v2");
    expect(l.hierarchies).toHaveLength(1);
    expect(hierarchyFor(l, "blkio")?.controllers).toContain("io");
    expect(hierarchyFor(l, "freezer")?.version).toBe(2);
    expect(hierarchyFor(l, "devices")?.version).toBe(2);
    expect(hierarchyFor(l, "cpuacct")?.version).toBe(2);
    expect(hierarchyFor(l, "net_prio")).toBeUndefined();
    expect(l.hierarchies[0].ownPath).toBe("/user.slice/user-1000.slice/session-2.scope");
  });

  test("v1 only, co-mounted controllers share one hierarchy", () => {
    const l = v1();
    expect(l.kind).toBe("v1");
    expect(hierarchyFor(l, "cpu")).toBe(hierarchyFor(l, "cpuacct")!);
    expect(hierarchyFor(l, "cpu")!.mountpoint).toBe("/sys/fs/cgroup/cpu,cpuacct");
    expect(hierarchyFor(l, "net_prio")!.controllers).toEqual(["net_cls", "net_prio"]);
    expect(hierarchyFor(l, "hugetlb")!.version).toBe(1);
    expect(hierarchyFor(l, "rdma")).toBeUndefined();
  });

  test("mountinfo: octal escapes, subtree mounts, non-cgroup mounts skipped", () => {
    const mounts = parseCgroupMounts(
      "50 1 0:40 /docker/abc /sys/fs/cgroup/my\\040dir rw - cgroup cgroup rw,nsdelegate,memory\n51 1 0:41 / /mnt rw - ext4 /dev/sda rw\n",
    );
    expect(mounts).toEqual([{ fstype: "cgroup", root: "/docker/abc", mountpoint: "/sys/fs/cgroup/my dir", superOptions: ["rw", "nsdelegate", "memory"] }]);
  });

  test("a subtree mount is picked when it holds our own cgroup", () => {
    const l = parseLayout(
      "50 1 0:40 /other /a rw - cgroup cgroup rw,memory\n51 1 0:40 /docker/abc /b rw - cgroup cgroup rw,memory\n",
      "4:memory:/docker/abc/x\n",
      () => "",
    );
    expect(l.hierarchies[0]).toMatchObject({ mountpoint: "/b", mountRoot: "/docker/abc" });
  });

  test("/proc/self/cgroup lines, including named and v2 entries", () => {
    expect(parseSelfCgroup("4:memory:/a:b\n1:name=systemd:/\n0::/x\n")).toEqual([
      { controllers: ["memory"], path: "/a:b" },
      { controllers: ["name=systemd"], path: "/" },
      { controllers: [], path: "/x" },
    ]);
  });

  test("no cgroup mounts at all", () => {
    expect(parseLayout("1 0 0:1 / / rw - ext4 x rw\n", "0::/\n", () => "").kind).toBe("none");
  });
});
