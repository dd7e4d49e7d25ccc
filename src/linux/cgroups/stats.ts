// Reads a container cgroup's statistics from whichever hierarchy serves each controller.
// Units follow runc: CPU times in nanoseconds, memory in bytes. Limits read as the kernel shows
// them; a v2 "max" reads as 0 (absent). Values above 2^53 (v1's "unlimited" 9223372036854771712)
// are JavaScript numbers and print with rounded low digits.
import { readdirSync } from "../fs.ts";
import { readCgroupFile, readCgroupNumber, readKeyValues } from "./fsio.ts";
import { dirFor, type CgroupHandle } from "./paths.ts";
import type { BlkioEntry, BlkioStats, CgroupStats, CpuUsage, HugetlbStats, MemoryEntry, MemoryStats } from "./stats-types.ts";

const USER_HZ = 100; // cpuacct.stat counts in clock ticks; the kernel's USER_HZ is 100 on Linux
const nsPerTick = 1e9 / USER_HZ;

function numbers(text: string | undefined): number[] {
  return (text ?? "").split(/\s+/).filter(Boolean).map(Number);
}

function cpuStats(handle: CgroupHandle): CgroupStats["cpu"] {
  const out: CgroupStats["cpu"] = {};
  const acct = dirFor(handle, "cpuacct");
  const cpu = dirFor(handle, "cpu");
  if (acct?.version === 1) {
    const st = readKeyValues(`${acct.dir}/cpuacct.stat`);
    const usage: CpuUsage = {
      total: readCgroupNumber(`${acct.dir}/cpuacct.usage`),
      percpu: numbers(readCgroupFile(`${acct.dir}/cpuacct.usage_percpu`)),
      kernel: (st.system ?? 0) * nsPerTick,
      user: (st.user ?? 0) * nsPerTick,
    };
    // "cpu user system" rows, one per CPU, in nanoseconds (Linux >= 4.7).
    const all = readCgroupFile(`${acct.dir}/cpuacct.usage_all`);
    if (all) {
      const rows = all.split("\n").slice(1).map(numbers);
      usage.percpu_user = rows.map((r) => r[1]);
      usage.percpu_kernel = rows.map((r) => r[2]);
    }
    out.usage = usage;
  }
  if (cpu) {
    const st = readKeyValues(`${cpu.dir}/cpu.stat`);
    if (cpu.version === 2) {
      out.usage = { total: (st.usage_usec ?? 0) * 1000, kernel: (st.system_usec ?? 0) * 1000, user: (st.user_usec ?? 0) * 1000 };
      out.throttling = { periods: st.nr_periods, throttledPeriods: st.nr_throttled, throttledTime: (st.throttled_usec ?? 0) * 1000 };
    } else {
      out.throttling = { periods: st.nr_periods, throttledPeriods: st.nr_throttled, throttledTime: st.throttled_time };
    }
  }
  return out;
}

function v1MemEntry(dir: string, prefix: string): MemoryEntry | undefined {
  const usage = readCgroupNumber(`${dir}/${prefix}.usage_in_bytes`);
  if (usage === undefined) return undefined;
  return {
    limit: readCgroupNumber(`${dir}/${prefix}.limit_in_bytes`) ?? 0,
    usage,
    max: readCgroupNumber(`${dir}/${prefix}.max_usage_in_bytes`),
    failcnt: readCgroupNumber(`${dir}/${prefix}.failcnt`) ?? 0,
  };
}

function memoryStats(handle: CgroupHandle): MemoryStats {
  const d = dirFor(handle, "memory");
  if (!d) return {};
  const raw = readKeyValues(`${d.dir}/memory.stat`);
  if (d.version === 1) {
    return {
      cache: raw.cache,
      usage: v1MemEntry(d.dir, "memory"),
      swap: v1MemEntry(d.dir, "memory.memsw"),
      kernel: v1MemEntry(d.dir, "memory.kmem"),
      kernelTCP: v1MemEntry(d.dir, "memory.kmem.tcp"),
      raw,
    };
  }
  const events = readKeyValues(`${d.dir}/memory.events`);
  const usage = readCgroupNumber(`${d.dir}/memory.current`) ?? 0;
  const swapUsage = readCgroupNumber(`${d.dir}/memory.swap.current`);
  return {
    cache: raw.file,
    usage: { limit: readCgroupNumber(`${d.dir}/memory.max`) ?? 0, usage, max: readCgroupNumber(`${d.dir}/memory.peak`), failcnt: events.max ?? 0 },
    // runc reports v2 swap as memory+swap, like v1's memsw.
    swap: swapUsage === undefined ? undefined : { limit: readCgroupNumber(`${d.dir}/memory.swap.max`) ?? 0, usage: usage + swapUsage, failcnt: 0 },
    raw,
  };
}

function blkioStats(handle: CgroupHandle): BlkioStats {
  const d = dirFor(handle, "blkio");
  if (!d) return {};
  if (d.version === 2) {
    const bytes: BlkioEntry[] = [];
    const ios: BlkioEntry[] = [];
    for (const line of (readCgroupFile(`${d.dir}/io.stat`) ?? "").split("\n")) {
      const [dev, ...kvs] = line.split(/\s+/);
      if (!dev?.includes(":")) continue;
      const [major, minor] = dev.split(":").map(Number);
      const kv = Object.fromEntries(kvs.map((x) => x.split("=")).map(([k, v]) => [k, Number(v)]));
      bytes.push({ major, minor, op: "Read", value: kv.rbytes }, { major, minor, op: "Write", value: kv.wbytes });
      ios.push({ major, minor, op: "Read", value: kv.rios }, { major, minor, op: "Write", value: kv.wios });
    }
    return { ioServiceBytesRecursive: bytes, ioServicedRecursive: ios };
  }
  // CFQ stats, else BFQ's, else the throttle layer's (always there), as runc picks them.
  const pick = (name: string) =>
    [`blkio.${name}`, `blkio.bfq.${name}`, `blkio.throttle.${name}`]
      .map((f) => readCgroupFile(`${d.dir}/${f}`))
      .find((t) => t !== undefined && t !== "" && !/^Total 0$/.test(t));
  const parse = (text: string | undefined): BlkioEntry[] =>
    (text ?? "").split("\n").flatMap((line) => {
      const [dev, op, value] = line.split(/\s+/);
      if (!dev?.includes(":") || value === undefined) return [];
      const [major, minor] = dev.split(":").map(Number);
      return [{ major, minor, op, value: Number(value) }];
    });
  return { ioServiceBytesRecursive: parse(pick("io_service_bytes_recursive")), ioServicedRecursive: parse(pick("io_serviced_recursive")) };
}

function hugetlbStats(handle: CgroupHandle): Record<string, HugetlbStats> {
  const d = dirFor(handle, "hugetlb");
  if (!d) return {};
  const out: Record<string, HugetlbStats> = {};
  let files: string[];
  try {
    files = readdirSync(d.dir);
  } catch {
    return {};
  }
  for (const f of files) {
    const m = /^hugetlb\.([0-9]+[KMGTP]B)\.(usage_in_bytes|current)$/.exec(f);
    if (!m) continue;
    const size = m[1];
    const p = `${d.dir}/hugetlb.${size}`;
    out[size] =
      d.version === 1
        ? { usage: readCgroupNumber(`${p}.usage_in_bytes`), max: readCgroupNumber(`${p}.max_usage_in_bytes`), failcnt: readCgroupNumber(`${p}.failcnt`) ?? 0 }
        : { usage: readCgroupNumber(`${p}.current`), failcnt: readKeyValues(`${p}.events`).max ?? 0 }; // v2 keeps no peak
  }
  return out;
}

/** A snapshot of the container cgroup's statistics (runc's `events --stats` "data"). */
export function readStats(handle: CgroupHandle): CgroupStats {
  const pids = dirFor(handle, "pids");
  return {
    cpu: cpuStats(handle),
    memory: memoryStats(handle),
    pids: pids ? { current: readCgroupNumber(`${pids.dir}/pids.current`), limit: readCgroupNumber(`${pids.dir}/pids.max`) } : {},
    blkio: blkioStats(handle),
    hugetlb: hugetlbStats(handle),
  };
}
