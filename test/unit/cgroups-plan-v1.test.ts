// Translation of OCI linux.resources to cgroup v1 files (the v1 layout fixture).
import { describe, expect, test } from "bun:test";
import { planCgroup, resolveCgroupPath, type CgroupWrite, type LinuxResources } from "../../src/linux/cgroups/index.ts";
import { v1 } from "../helpers/cgroups-layouts.ts";

const at = (ctl: string) => `/sys/fs/cgroup/${ctl}/nsbox-runtime/c1`;
function plan(r: LinuxResources) {
  return planCgroup(r, resolveCgroupPath(undefined, "c1"), v1());
}
const files = (ws: CgroupWrite[]) => ws.map((w) => [w.dir, w.file, w.value]);

describe("cgroup v1 plan", () => {
  test("directories in every hierarchy; cpuset inherits its parent's cpus/mems", () => {
    const p = plan({});
    expect(p.dirs.map((d) => d.dir)).toContain(at("memory"));
    expect(p.dirs.map((d) => d.dir)).toContain(at("cpu,cpuacct"));
    expect(p.dirs.find((d) => d.dir === at("cpuset"))!.cpusetInherit).toBe(true);
    expect(p.dirs.find((d) => d.dir === at("memory"))!.cpusetInherit).toBe(false);
    expect(p.writes).toEqual([]);
  });

  test("memory: limit before memsw (swapped on EINVAL), reservation, swappiness, OOM killer", () => {
    const p = plan({ memory: { limit: 1 << 20, swap: 2 << 20, reservation: 1 << 19, swappiness: 10, disableOOMKiller: true, kernelTCP: 4096 } });
    expect(files(p.writes)).toEqual([
      [at("memory"), "memory.limit_in_bytes", "1048576"],
      [at("memory"), "memory.memsw.limit_in_bytes", "2097152"],
      [at("memory"), "memory.soft_limit_in_bytes", "524288"],
      [at("memory"), "memory.kmem.tcp.limit_in_bytes", "4096"],
      [at("memory"), "memory.swappiness", "10"],
      [at("memory"), "memory.oom_control", "1"],
    ]);
    expect(p.writes[0].swapWithNextOnEinval).toBe(true);
    expect(p.writes[0].field).toBe("linux.resources.memory.limit");
  });

  test("memory: unlimited swap is raised before the limit; -1 limit alone means both unlimited", () => {
    expect(files(plan({ memory: { limit: 100, swap: -1 } }).writes).map((w) => w[1])).toEqual(["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"]);
    expect(files(plan({ memory: { limit: -1 } }).writes).map((w) => `${w[1]}=${w[2]}`)).toEqual(["memory.memsw.limit_in_bytes=-1", "memory.limit_in_bytes=-1"]);
  });

  test("memory: swap below limit, bad swappiness and non-integers are config errors naming the field", () => {
    expect(() => plan({ memory: { limit: 200, swap: 100 } })).toThrow("linux.resources.memory.swap: memory+swap limit (100) must be >= the memory limit (200)");
    expect(() => plan({ memory: { swappiness: 101 } })).toThrow("linux.resources.memory.swappiness: must be at most 100");
    expect(() => plan({ memory: { limit: 1.5 } })).toThrow("linux.resources.memory.limit: must be an integer");
  });

  test("memory: kernel limit is written best-effort with a deprecation warning", () => {
    const p = plan({ memory: { kernel: 1 << 20 } });
    expect(p.writes).toEqual([expect.objectContaining({ file: "memory.kmem.limit_in_bytes", value: "1048576", optional: true })]);
    expect(p.warnings[0]).toContain("linux.resources.memory.kernel");
  });

  test("cpu: shares, period before quota, burst, realtime period before runtime; cpuset", () => {
    const p = plan({ cpu: { shares: 512, quota: 20000, period: 100000, burst: 1000, realtimePeriod: 1000000, realtimeRuntime: 950000, cpus: "0-1", mems: "0" } });
    expect(files(p.writes)).toEqual([
      [at("cpu,cpuacct"), "cpu.shares", "512"],
      [at("cpu,cpuacct"), "cpu.cfs_period_us", "100000"],
      [at("cpu,cpuacct"), "cpu.cfs_quota_us", "20000"],
      [at("cpu,cpuacct"), "cpu.cfs_burst_us", "1000"],
      [at("cpu,cpuacct"), "cpu.rt_period_us", "1000000"],
      [at("cpu,cpuacct"), "cpu.rt_runtime_us", "950000"],
      [at("cpuset"), "cpuset.cpus", "0-1"],
      [at("cpuset"), "cpuset.mems", "0"],
    ]);
    expect(p.writes[1].swapWithNextOnEinval).toBe(true);
    expect(() => plan({ cpu: { cpus: "0-1; rm -rf" } })).toThrow("linux.resources.cpu.cpus");
  });

  test("pids: positive is the limit, negative is max, 0 is not set", () => {
    expect(files(plan({ pids: { limit: 42 } }).writes)).toEqual([[at("pids"), "pids.max", "42"]]);
    expect(files(plan({ pids: { limit: -1 } }).writes)).toEqual([[at("pids"), "pids.max", "max"]]);
    expect(plan({ pids: { limit: 0 } }).writes).toEqual([]);
  });

  test("blockIO: weights with BFQ fallbacks, per-device weights and throttles", () => {
    const p = plan({
      blockIO: {
        weight: 500,
        leafWeight: 300,
        weightDevice: [{ major: 8, minor: 0, weight: 600, leafWeight: 200 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
        throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
        throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 200 }],
      },
    });
    expect(files(p.writes)).toEqual([
      [at("blkio"), "blkio.weight", "500"],
      [at("blkio"), "blkio.leaf_weight", "300"],
      [at("blkio"), "blkio.weight_device", "8:0 600"],
      [at("blkio"), "blkio.leaf_weight_device", "8:0 200"],
      [at("blkio"), "blkio.throttle.read_bps_device", "8:0 1048576"],
      [at("blkio"), "blkio.throttle.write_bps_device", "8:0 2097152"],
      [at("blkio"), "blkio.throttle.read_iops_device", "8:16 100"],
      [at("blkio"), "blkio.throttle.write_iops_device", "8:16 200"],
    ]);
    expect(p.writes[0].fallback).toEqual({ file: "blkio.bfq.weight", value: "500" });
    expect(p.writes[2].fallback).toEqual({ file: "blkio.bfq.weight_device", value: "8:0 600" });
    expect(() => plan({ blockIO: { weight: 5 } })).toThrow("linux.resources.blockIO.weight: must be at least 10");
  });

  test("hugetlb, net_cls and net_prio", () => {
    const p = plan({ hugepageLimits: [{ pageSize: "2MB", limit: 4194304 }], network: { classID: 0x100001, priorities: [{ name: "eth0", priority: 5 }, { name: "lo", priority: 2 }] } });
    expect(files(p.writes)).toEqual([
      [at("hugetlb"), "hugetlb.2MB.limit_in_bytes", "4194304"],
      [at("net_cls,net_prio"), "net_cls.classid", "1048577"],
      [at("net_cls,net_prio"), "net_prio.ifpriomap", "eth0 5"],
      [at("net_cls,net_prio"), "net_prio.ifpriomap", "lo 2"],
    ]);
    expect(() => plan({ hugepageLimits: [{ pageSize: "2M", limit: 1 }] })).toThrow("linux.resources.hugepageLimits[0].pageSize");
  });

  test("devices: one line per rule, in order, to devices.allow or devices.deny", () => {
    const p = plan({
      devices: [
        { allow: false, access: "rwm" },
        { allow: true, type: "c", major: 1, minor: 3, access: "rw" },
        { allow: true, type: "b", major: 8, minor: null, access: "r" },
        { allow: false, type: "c", major: 5, minor: 1 },
      ],
    });
    expect(files(p.writes)).toEqual([
      [at("devices"), "devices.deny", "a *:* rwm"],
      [at("devices"), "devices.allow", "c 1:3 rw"],
      [at("devices"), "devices.allow", "b 8:* r"],
      [at("devices"), "devices.deny", "c 5:1 rwm"],
    ]);
    expect(() => plan({ devices: [{ allow: true, type: "x" }] })).toThrow("linux.resources.devices[0].type");
    expect(() => plan({ devices: [{ allow: true, access: "rwx" }] })).toThrow("linux.resources.devices[0].access");
  });

  test("unified needs cgroup v2; rdma needs its controller", () => {
    expect(() => plan({ unified: { "memory.high": "1M" } })).toThrow("linux.resources.unified: needs cgroup v2");
    expect(() => plan({ rdma: { mlx5_0: { hcaHandles: 1 } } })).toThrow("linux.resources.rdma: the rdma controller is not available");
  });
});
