// exec --cgroup [CONTROLLERS:]PATH -> the directories the launcher joins (pure).
import { describe, expect, test } from "bun:test";
import type { CgroupHandle } from "../../src/linux/cgroups/index.ts";
import { execCgroupJoin } from "../../src/runtime/exec-cgroup.ts";

const hybrid: CgroupHandle = {
  kind: "hybrid",
  path: "/nsbox-runtime/c1",
  dirs: [
    { version: 1, controllers: ["memory"], mountpoint: "/sys/fs/cgroup/memory", dir: "/sys/fs/cgroup/memory/nsbox-runtime/c1" },
    { version: 1, controllers: ["cpu", "cpuacct"], mountpoint: "/sys/fs/cgroup/cpu,cpuacct", dir: "/sys/fs/cgroup/cpu,cpuacct/nsbox-runtime/c1" },
    { version: 2, controllers: ["hugetlb"], mountpoint: "/sys/fs/cgroup/unified", dir: "/sys/fs/cgroup/unified/nsbox-runtime/c1" },
  ],
};
const v2: CgroupHandle = {
  kind: "v2",
  path: "/nsbox-runtime/c1",
  dirs: [{ version: 2, controllers: ["cpu", "memory"], mountpoint: "/sys/fs/cgroup", dir: "/sys/fs/cgroup/nsbox-runtime/c1" }],
};

describe("execCgroupJoin", () => {
  test("a bare path: that sub-cgroup in every hierarchy", () => {
    expect(execCgroupJoin(hybrid, ["sub/x"])).toEqual({
      v1: ["/sys/fs/cgroup/memory/nsbox-runtime/c1/sub/x", "/sys/fs/cgroup/cpu,cpuacct/nsbox-runtime/c1/sub/x"],
      v2: "/sys/fs/cgroup/unified/nsbox-runtime/c1/sub/x",
    });
  });

  test("CONTROLLER:PATH only for the hierarchy with that controller; the others stay the container's", () => {
    expect(execCgroupJoin(hybrid, ["cpuacct:sub"])).toEqual({
      v1: ["/sys/fs/cgroup/memory/nsbox-runtime/c1", "/sys/fs/cgroup/cpu,cpuacct/nsbox-runtime/c1/sub"],
      v2: "/sys/fs/cgroup/unified/nsbox-runtime/c1",
    });
    expect(execCgroupJoin(hybrid, ["all", "memory,cpu:m"]).v1).toEqual([
      "/sys/fs/cgroup/memory/nsbox-runtime/c1/m", "/sys/fs/cgroup/cpu,cpuacct/nsbox-runtime/c1/m",
    ]);
  });

  test("cgroup v2: one path, no controllers", () => {
    expect(execCgroupJoin(v2, ["sub"])).toEqual({ v1: [], v2: "/sys/fs/cgroup/nsbox-runtime/c1/sub" });
    expect(() => execCgroupJoin(v2, ["memory:sub"])).toThrow("--cgroup: on cgroup v2 give one path, without controllers");
    expect(() => execCgroupJoin(v2, ["a", "b"])).toThrow("on cgroup v2 give one path");
  });

  test("paths that leave the container's cgroup, and unknown controllers, are refused", () => {
    for (const bad of ["..", "../other", "a/../../b", "/abs", "memory:", ""]) {
      expect(() => execCgroupJoin(hybrid, [bad])).toThrow("expected a path inside the container's cgroup");
    }
    expect(() => execCgroupJoin(hybrid, ["pids:sub"])).toThrow('the container has no cgroup v1 hierarchy with controller "pids"');
  });
});
