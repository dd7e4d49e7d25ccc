// Translation of OCI linux.resources to cgroup v2 files, and the hybrid layout's split.
import { describe, expect, test } from "bun:test";
import { blkioWeightToIoWeight, planCgroup, resolveCgroupPath, sharesToWeight, swapToV2, type CgroupWrite, type LinuxResources } from "../../src/linux/cgroups/index.ts";
import { hybrid, v2 } from "../helpers/cgroups-layouts.ts";

const leaf = "/sys/fs/cgroup/nsbox-runtime/c1";
const plan = (r: LinuxResources) => planCgroup(r, resolveCgroupPath(undefined, "c1"), v2());
const leafWrites = (ws: CgroupWrite[]) => ws.filter((w) => w.dir === leaf).map((w) => [w.file, w.value]);

describe("v1 -> v2 value conversions (runc's formulas)", () => {
  test("cpu shares -> cpu.weight", () => {
    expect(sharesToWeight(0)).toBe(0);
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(262144)).toBe(10000);
  });
  test("blkio weight -> io.weight", () => {
    expect(blkioWeightToIoWeight(10)).toBe(1);
    expect(blkioWeightToIoWeight(500)).toBe(4950);
    expect(blkioWeightToIoWeight(1000)).toBe(10000);
  });
  test("memory+swap -> swap alone", () => {
    expect(swapToV2(300, 100, "f")).toBe(200);
    expect(swapToV2(-1, 100, "f")).toBe(-1);
    expect(swapToV2(0, -1, "f")).toBe(-1);
    expect(() => swapToV2(100, 0, "f")).toThrow("a swap limit needs a memory limit");
    expect(() => swapToV2(50, 100, "f")).toThrow("must be >= the memory limit");
  });
});

describe("cgroup v2 plan", () => {
  test("one directory; every offered controller enabled in each ancestor, needed ones required", () => {
    const p = plan({ memory: { limit: 1 << 20 } });
    expect(p.dirs).toEqual([{ dir: leaf, mountpoint: "/sys/fs/cgroup", cpusetInherit: false }]);
    const enables = p.writes.filter((w) => w.file === "cgroup.subtree_control");
    expect(enables.map((w) => `${w.dir} ${w.value}`)).toContain("/sys/fs/cgroup +memory");
    expect(enables.map((w) => `${w.dir} ${w.value}`)).toContain("/sys/fs/cgroup/nsbox-runtime +pids");
    expect(enables.find((w) => w.value === "+memory")!.optional).toBe(false);
    expect(enables.find((w) => w.value === "+pids")!.optional).toBe(true);
    expect(enables.some((w) => w.dir === leaf)).toBe(false);
  });

  test("memory: memory.max, memory.swap.max as swap alone, memory.low; v1-only knobs warn", () => {
    const p = plan({ memory: { limit: 100, swap: 300, reservation: 50, disableOOMKiller: true, kernel: 1, swappiness: 10 } });
    expect(leafWrites(p.writes)).toEqual([
      ["memory.swap.max", "200"],
      ["memory.max", "100"],
      ["memory.low", "50"],
    ]);
    expect(p.warnings.join("\n")).toContain("disableOOMKiller");
    expect(p.warnings.join("\n")).toContain("memory.kernel");
    expect(p.warnings.join("\n")).toContain("swappiness");
    expect(leafWrites(plan({ memory: { limit: -1 } }).writes)).toEqual([["memory.swap.max", "max"], ["memory.max", "max"]]);
  });

  test("cpu: weight from shares, cpu.max from quota/period, burst, cpuset; realtime refused", () => {
    expect(leafWrites(plan({ cpu: { shares: 1024, quota: 50000, period: 100000, burst: 10, cpus: "1", mems: "0" } }).writes)).toEqual([
      ["cpu.weight", "39"],
      ["cpu.max", "50000 100000"],
      ["cpu.max.burst", "10"],
      ["cpuset.cpus", "1"],
      ["cpuset.mems", "0"],
    ]);
    expect(leafWrites(plan({ cpu: { period: 50000 } }).writes)).toEqual([["cpu.max", "max 50000"]]);
    expect(leafWrites(plan({ cpu: { quota: 1000 } }).writes)).toEqual([["cpu.max", "1000"]]);
    expect(() => plan({ cpu: { realtimeRuntime: 1000 } })).toThrow("linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime CPU limits");
  });

  test("io: BFQ weight with io.weight fallback, io.max throttles", () => {
    const p = plan({
      blockIO: {
        weight: 500,
        weightDevice: [{ major: 8, minor: 0, weight: 100 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1000 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 0 }],
      },
    });
    expect(leafWrites(p.writes)).toEqual([
      ["io.bfq.weight", "500"],
      ["io.bfq.weight", "8:0 100"],
      ["io.max", "8:0 rbps=1000"],
      ["io.max", "8:0 wiops=max"],
    ]);
    const w = p.writes.filter((x) => x.dir === leaf);
    expect(w[0].fallback).toEqual({ file: "io.weight", value: "default 4950" });
    expect(w[1].fallback).toEqual({ file: "io.weight", value: "8:0 910" });
  });

  test("pids, hugetlb, rdma, unified (written last); net_cls refused", () => {
    const p = plan({
      pids: { limit: 5 },
      hugepageLimits: [{ pageSize: "1GB", limit: -1 }],
      rdma: { mlx5_0: { hcaHandles: 3, hcaObjects: 100 } },
      unified: { "memory.high": "4M", "cgroup.max.depth": "3" },
    });
    expect(leafWrites(p.writes)).toEqual([
      ["pids.max", "5"],
      ["hugetlb.1GB.max", "max"],
      ["rdma.max", "mlx5_0 hca_handle=3 hca_object=100"],
      ["memory.high", "4M"],
      ["cgroup.max.depth", "3"],
    ]);
    expect(() => plan({ network: { classID: 1 } })).toThrow("linux.resources.network.classID: the net_cls controller is not available");
    expect(() => plan({ unified: { "../x": "1" } })).toThrow("is not a cgroup v2 file name");
    expect(() => plan({ unified: { "nope.max": "1" } })).toThrow("the nope controller is not available in the cgroup v2 hierarchy");
  });

  test("devices on v2 are validated and reported as not enforced", () => {
    const p = plan({ devices: [{ allow: false, access: "rwm" }] });
    expect(leafWrites(p.writes)).toEqual([]);
    expect(p.warnings.join("\n")).toContain("not enforced on cgroup v2");
    expect(() => plan({ devices: [{ allow: true, major: -3 }] })).toThrow("linux.resources.devices[0].major");
  });
});

describe("hybrid plan (this machine)", () => {
  const hplan = (r: LinuxResources) => planCgroup(r, resolveCgroupPath(undefined, "c1"), hybrid());

  test("v1 controllers take v1 files; hugetlb goes to the unified mount, enabled top-down", () => {
    const p = hplan({ memory: { limit: 1 << 20 }, hugepageLimits: [{ pageSize: "2MB", limit: 2 << 20 }] });
    expect(p.writes.map((w) => `${w.dir}/${w.file}=${w.value}`)).toEqual([
      "/sys/fs/cgroup/unified/cgroup.subtree_control=+hugetlb",
      "/sys/fs/cgroup/unified/nsbox-runtime/cgroup.subtree_control=+hugetlb",
      "/sys/fs/cgroup/memory/nsbox-runtime/c1/memory.limit_in_bytes=1048576",
      "/sys/fs/cgroup/unified/nsbox-runtime/c1/hugetlb.2MB.max=2097152",
    ]);
    expect(p.writes[0].optional).toBe(false);
  });

  test("nothing is enabled on the unified side when no hugepage limit is asked for", () => {
    expect(hplan({ memory: { limit: 1 << 20 } }).writes.filter((w) => w.file === "cgroup.subtree_control")).toEqual([]);
  });

  test("freezer/devices stay v1; net_cls is missing; unified keys only for unified-side controllers", () => {
    const p = hplan({ devices: [{ allow: false, access: "rwm" }] });
    expect(p.writes.filter((w) => w.file === "devices.deny")[0].dir).toBe("/sys/fs/cgroup/devices/nsbox-runtime/c1");
    expect(() => hplan({ network: { priorities: [{ name: "eth0", priority: 1 }] } })).toThrow(
      "linux.resources.network.priorities: the net_prio controller is not available in any v1 hierarchy or in the cgroup v2 mount",
    );
    expect(() => hplan({ unified: { "memory.high": "1M" } })).toThrow("it is a cgroup v1 controller on this hybrid system");
    expect(hplan({ unified: { "hugetlb.2MB.max": "0" } }).writes.at(-1)).toMatchObject({ dir: "/sys/fs/cgroup/unified/nsbox-runtime/c1", file: "hugetlb.2MB.max" });
  });
});
