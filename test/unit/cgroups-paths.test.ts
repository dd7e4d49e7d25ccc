import { describe, expect, test } from "bun:test";
import { cgroupHandle, cgroupJoin, CgroupConfigError, expandSlice, resolveCgroupPath } from "../../src/linux/cgroups/index.ts";
import { hybrid, v1, v2 } from "../helpers/cgroups-layouts.ts";

describe("linux.cgroupsPath resolution", () => {
  test("missing path defaults to /nsbox-runtime/<id>", () => {
    expect(resolveCgroupPath(undefined, "c1")).toEqual({ absolute: true, path: "/nsbox-runtime/c1" });
    expect(resolveCgroupPath("", "c1")).toEqual({ absolute: true, path: "/nsbox-runtime/c1" });
  });

  test("absolute and relative paths are cleaned; .. cannot climb out", () => {
    expect(resolveCgroupPath("/a/b/../c/", "x")).toEqual({ absolute: true, path: "/a/c" });
    expect(resolveCgroupPath("a/./b", "x")).toEqual({ absolute: false, path: "a/b" });
    expect(resolveCgroupPath("../../../etc", "x")).toEqual({ absolute: false, path: "etc" });
    expect(resolveCgroupPath("/../../x", "x")).toEqual({ absolute: true, path: "/x" });
  });

  test("the root cgroup is refused", () => {
    expect(() => resolveCgroupPath("/", "x")).toThrow(CgroupConfigError);
    expect(() => resolveCgroupPath("a/..", "x")).toThrow("linux.cgroupsPath: \"a/..\" names the root cgroup");
  });

  test("systemd-style slice:prefix:name becomes the path systemd would use", () => {
    expect(resolveCgroupPath("system.slice:runc:c1", "c1")).toEqual({ absolute: true, path: "/system.slice/runc-c1.scope" });
    expect(resolveCgroupPath("machine-libpod.slice:libpod:abc", "abc").path).toBe("/machine.slice/machine-libpod.slice/libpod-abc.scope");
    expect(resolveCgroupPath(":crio:x", "x").path).toBe("/system.slice/crio-x.scope");
    expect(resolveCgroupPath("user.slice::my.slice", "x").path).toBe("/user.slice/my.slice");
    expect(() => resolveCgroupPath("system.slice:runc:", "x")).toThrow("has no unit name");
  });

  test("slice names expand like systemd's", () => {
    expect(expandSlice("a-b-c.slice")).toBe("/a.slice/a-b.slice/a-b-c.slice");
    expect(expandSlice("-.slice")).toBe("/");
    expect(() => expandSlice("a--b.slice")).toThrow(CgroupConfigError);
    expect(() => expandSlice("foo")).toThrow(CgroupConfigError);
  });

  test("colons in a path that is not systemd-style are kept literally", () => {
    expect(resolveCgroupPath("/a:b", "x").path).toBe("/a:b");
    expect(resolveCgroupPath("a:b:c:d", "x").path).toBe("a:b:c:d");
  });
});

describe("container directories per hierarchy", () => {
  test("absolute path: under every mountpoint (hybrid includes the unified mount)", () => {
    const h = cgroupHandle(hybrid(), resolveCgroupPath(undefined, "c1"));
    expect(h.kind).toBe("hybrid");
    expect(h.dirs.map((d) => d.dir)).toContain("/sys/fs/cgroup/memory/nsbox-runtime/c1");
    expect(h.dirs.map((d) => d.dir)).toContain("/sys/fs/cgroup/unified/nsbox-runtime/c1");
    expect(h.dirs.map((d) => d.dir)).toContain("/sys/fs/cgroup/systemd/nsbox-runtime/c1");
    // The launcher joins the nine v1 hierarchies through `tasks` and is forked into the v2 one.
    const join = cgroupJoin(h);
    expect(join.v1).toContain("/sys/fs/cgroup/pids/nsbox-runtime/c1");
    expect(join.v1).toHaveLength(9);
    expect(join.v2).toBe("/sys/fs/cgroup/unified/nsbox-runtime/c1");
  });

  test("relative path: under our own cgroup in each hierarchy", () => {
    const h = cgroupHandle(hybrid(), resolveCgroupPath("ctr/x", "x"));
    expect(h.dirs.find((d) => d.controllers.includes("memory"))!.dir).toBe("/sys/fs/cgroup/memory/process_api/abc/ctr/x");
    expect(h.dirs.find((d) => d.controllers.includes("pids"))!.dir).toBe("/sys/fs/cgroup/pids/ctr/x");
    const h1 = cgroupHandle(v1(), resolveCgroupPath("ctr", "x"));
    expect(h1.dirs.find((d) => d.controllers.includes("cpu"))!.dir).toBe("/sys/fs/cgroup/cpu,cpuacct/system.slice/ctr");
  });

  test("v2: one directory", () => {
    const h = cgroupHandle(v2(), resolveCgroupPath("/x/y", "y"));
    expect(h.dirs).toHaveLength(1);
    expect(h.dirs[0].dir).toBe("/sys/fs/cgroup/x/y");
  });
});
