// Real cgroups on this machine's layout (hybrid here; v1 and v2 take the same path through the
// API): create with limits, join a process, read limits back, freeze/thaw, update, stats, OOM,
// destroy. Needs root. Every cgroup lives under /nsbox-test-cgroups and is removed afterwards.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import * as cg from "../../src/linux/cgroups/index.ts";

const isRoot = process.getuid?.() === 0;
const layout = isRoot ? cg.detectLayout() : undefined;
const usable = isRoot && layout !== undefined && layout.kind !== "none";
const PARENT = "/nsbox-test-cgroups";

// The hugetlb test enables hugetlb in the unified root; put that back as found.
const v2Root = layout?.hierarchies.find((h) => h.version === 2)?.mountpoint;
const rootEnables = v2Root ? readFileSync(`${v2Root}/cgroup.subtree_control`, "utf8").trim().split(/\s+/) : [];

let seq = 0;
const live: { handle: cg.CgroupHandle; procs: Subprocess[] }[] = [];

function make(resources: cg.LinuxResources = {}) {
  const path = cg.resolveCgroupPath(`${PARENT}/t${process.pid}-${seq++}`, "x");
  const created = cg.createCgroup(cg.planCgroup(resources, path, layout!));
  const entry = { handle: created.handle, procs: [] as Subprocess[] };
  live.push(entry);
  return { ...created, entry };
}

/** A process that waits for a line on stdin before running `script`, joined to the cgroup. */
function join(entry: (typeof live)[number], script = "sleep 100") {
  const p = Bun.spawn(["sh", "-c", `read go; ${script}`], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  entry.procs.push(p);
  cg.addProcess(entry.handle, p.pid);
  return p;
}
const go = (p: Subprocess<"pipe", "pipe", "pipe">) => {
  p.stdin.write("go\n");
  p.stdin.flush();
};

const file = (handle: cg.CgroupHandle, controller: string, name: string) =>
  readFileSync(`${cg.dirFor(handle, controller)!.dir}/${name}`, "utf8").trim();
const procState = (pid: number) => /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1];

afterEach(async () => {
  for (const { handle, procs } of live.splice(0)) {
    for (const p of procs) p.kill(9);
    await cg.thaw(handle).catch(() => {});
    await cg.destroyCgroup(handle, { kill: true }).catch(() => {});
  }
});
afterAll(() => {
  for (const h of layout?.hierarchies ?? []) {
    try {
      rmdirSync(`${h.mountpoint}${PARENT}`);
    } catch {
      // not created in this hierarchy
    }
  }
  if (v2Root && layout?.kind === "hybrid" && !rootEnables.includes("hugetlb")) {
    try {
      writeFileSync(`${v2Root}/cgroup.subtree_control`, "-hugetlb");
    } catch {
      // someone else's cgroup below uses it now
    }
  }
});

describe.skipIf(!usable)("cgroups on this machine", () => {
  test("create with limits; a joined process is in the container cgroup of every hierarchy", () => {
    const { handle, entry, warnings } = make({ memory: { limit: 64 << 20, swap: 128 << 20 }, pids: { limit: 20 }, cpu: { shares: 512, quota: 25000, period: 100000 } });
    expect(warnings).toEqual([]);
    expect(file(handle, "memory", cg.dirFor(handle, "memory")!.version === 1 ? "memory.limit_in_bytes" : "memory.max")).toBe(String(64 << 20));
    expect(file(handle, "pids", "pids.max")).toBe("20");
    if (cg.dirFor(handle, "cpu")!.version === 1) {
      expect(file(handle, "cpu", "cpu.shares")).toBe("512");
      expect(file(handle, "cpu", "cpu.cfs_quota_us")).toBe("25000");
      expect(file(handle, "memory", "memory.memsw.limit_in_bytes")).toBe(String(128 << 20));
    } else {
      expect(file(handle, "cpu", "cpu.max")).toBe("25000 100000");
    }
    const p = join(entry);
    const lines = readFileSync(`/proc/${p.pid}/cgroup`, "utf8").trim().split("\n");
    expect(lines).toHaveLength(layout!.hierarchies.length);
    for (const line of lines) expect(line.endsWith(handle.path)).toBe(true);
    expect(cg.cgroupPids(handle)).toEqual([p.pid]);
    expect(cg.isEmpty(handle)).toBe(false);
  });

  test("the pids limit stops forks inside the cgroup", async () => {
    const { entry, handle } = make({ pids: { limit: 2 } });
    const p = join(entry, "sleep 100 & sleep 100 & wait");
    go(p);
    // sh itself plus one sleep fill the limit; the second fork fails and sh gives up.
    expect(await p.exited).not.toBe(0);
    expect(file(handle, "pids", "pids.events")).toMatch(/^max [1-9]/);
    expect(Number(file(handle, "pids", "pids.current"))).toBe(1); // the first sleep
    await cg.killAll(handle); // it holds the stderr pipe open
    expect(await new Response(p.stderr).text()).toMatch(/fork|Resource temporarily unavailable/i);
  });

  test("freeze stops every task until thaw", async () => {
    const { entry, handle } = make();
    const p = join(entry);
    await cg.freeze(handle);
    expect(cg.freezerState(handle)).toBe("FROZEN");
    // A frozen task sleeps uninterruptibly (v1 freezer) or is stopped (v2): never S or R.
    expect(["D", "T"]).toContain(procState(p.pid));
    await cg.thaw(handle);
    expect(cg.freezerState(handle)).toBe("THAWED");
    expect(["S", "R"]).toContain(procState(p.pid)); // running again (R while it wakes up)
  });

  test("update raises memory and memory+swap (needs memsw first on v1) and the pids limit", () => {
    const { handle } = make({ memory: { limit: 32 << 20, swap: 64 << 20 }, pids: { limit: 10 } });
    expect(cg.updateCgroup(handle, { memory: { limit: 128 << 20, swap: 256 << 20 }, pids: { limit: 50 } })).toEqual([]);
    const v1 = cg.dirFor(handle, "memory")!.version === 1;
    expect(file(handle, "memory", v1 ? "memory.limit_in_bytes" : "memory.max")).toBe(String(128 << 20));
    if (v1) expect(file(handle, "memory", "memory.memsw.limit_in_bytes")).toBe(String(256 << 20));
    expect(file(handle, "pids", "pids.max")).toBe("50");
    // And back down, where the limit must go first.
    cg.updateCgroup(handle, { memory: { limit: 16 << 20, swap: 16 << 20 } });
    expect(file(handle, "memory", v1 ? "memory.limit_in_bytes" : "memory.max")).toBe(String(16 << 20));
  });

  test("stats: pids, memory limit, CPU time of a busy process", async () => {
    const { entry, handle } = make({ memory: { limit: 64 << 20 }, pids: { limit: 9 } });
    // sleep is forked (so counted) before "done" is written: the read below sees both processes.
    const p = join(entry, "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; sleep 100 & echo done; wait");
    go(p);
    const reader = p.stdout.getReader();
    await reader.read();
    const s = cg.readStats(handle);
    expect(s.pids).toEqual({ current: 2, limit: 9 });
    expect(s.memory.usage!.limit).toBe(64 << 20);
    expect(s.cpu.usage!.total!).toBeGreaterThan(1_000_000);
    expect(JSON.parse(JSON.stringify(s)).memory.raw).toBeDefined();
  });

  test("an OOM kill is counted and reported by the watcher", async () => {
    const { entry, handle } = make({ memory: { limit: 16 << 20, swap: 16 << 20 } });
    const seen: cg.OomCounters[] = [];
    const stop = cg.watchOom(handle, (c) => seen.push(c), 20);
    try {
      const p = join(entry, "head -c 64M /dev/zero | tail -c 32M >/dev/null");
      go(p);
      expect(await p.exited).not.toBe(0);
      await Bun.sleep(100);
    } finally {
      stop();
    }
    expect(cg.readOomCounters(handle)!.oomKills).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeGreaterThanOrEqual(1);
  });

  test.skipIf(!layout || !cg.hierarchyFor(layout, "hugetlb"))("hugepage limit lands in the hierarchy that has hugetlb", () => {
    const { handle } = make({ hugepageLimits: [{ pageSize: "2MB", limit: 4 << 20 }] });
    const d = cg.dirFor(handle, "hugetlb")!;
    expect(readFileSync(`${d.dir}/hugetlb.2MB.${d.version === 1 ? "limit_in_bytes" : "max"}`, "utf8").trim()).toBe(String(4 << 20));
  });

  test("a value the kernel refuses fails with the file and value named, leaving nothing", () => {
    const path = cg.resolveCgroupPath(`${PARENT}/bad${process.pid}`, "x");
    const plan = cg.planCgroup({ cpu: { cpus: "4095" } }, path, layout!);
    expect(() => cg.createCgroup(plan)).toThrow(/linux\.resources\.cpu\.cpus: write "4095" to \/sys\/fs\/cgroup\/\S*cpuset\.cpus: /);
    for (const d of plan.dirs) expect(existsSync(d.dir)).toBe(false);
  });

  test("destroy: refuses a busy cgroup without kill; with kill, no process and no directory remain", async () => {
    const { entry, handle } = make();
    const p = join(entry);
    await expect(cg.destroyCgroup(handle)).rejects.toThrow(/rmdir .*: device or resource busy/);
    await cg.destroyCgroup(handle, { kill: true });
    expect(await p.exited).not.toBe(0);
    for (const d of handle.dirs) expect(existsSync(d.dir)).toBe(false);
  });
});
