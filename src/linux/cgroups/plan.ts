// The pure planner: OCI linux.resources + cgroup path + layout -> directories to create and
// file writes in order. Touches nothing; the executor (apply.ts) carries the plan out.
import { posix } from "node:path";
import type { LinuxResources } from "./resources.ts";
import type { CgroupLayout } from "./layout.ts";
import { cgroupHandle, type CgroupHandle, type CgroupPath } from "./paths.ts";
import { PlanContext, type CgroupWrite } from "./plan-context.ts";
import { planMemory } from "./plan-memory.ts";
import { planCpu } from "./plan-cpu.ts";
import { planBlockIO } from "./plan-io.ts";
import { planHugetlb, planNetwork, planPids, planRdma } from "./plan-misc.ts";
import { planDevices } from "./plan-devices.ts";
import { planUnified } from "./plan-unified.ts";

export interface PlannedDir {
  dir: string;
  /** Where `mkdir -p` stops climbing: the hierarchy's mountpoint. */
  mountpoint: string;
  /**
   * v1 cpuset: a new cgroup starts with empty cpuset.cpus/mems and accepts no task until they
   * are set, so every directory created gets its parent's values.
   */
  cpusetInherit: boolean;
}

export interface CgroupPlan {
  handle: CgroupHandle;
  dirs: PlannedDir[];
  writes: CgroupWrite[];
  /** Settings this layout cannot honour and skips (print them; runc logs them as warnings). */
  warnings: string[];
}

/** The writes for `resources` into an existing container cgroup (create and update share it). */
export function planResources(resources: LinuxResources | undefined, handle: CgroupHandle): PlanContext {
  const ctx = new PlanContext(handle);
  const r = resources ?? {};
  planDevices(r.devices, ctx);
  planMemory(r.memory, ctx);
  planCpu(r.cpu, ctx);
  planPids(r, ctx);
  planBlockIO(r.blockIO, ctx);
  planHugetlb(r, ctx);
  planNetwork(r, ctx);
  planRdma(r, ctx);
  planUnified(r.unified, ctx);
  return ctx;
}

/** Ancestors of `dir` below `top`, top-down: top, top/a, top/a/b (not dir itself). */
function ancestors(top: string, dir: string): string[] {
  const rel = posix.relative(top, dir);
  const parts = rel.split("/").slice(0, -1);
  const out = [top];
  for (const p of parts) out.push(posix.join(out[out.length - 1], p));
  return out;
}

/** Everything `create` does to a container's cgroup: dirs, v2 controller enables, resources. */
export function planCgroup(resources: LinuxResources | undefined, cgroupPath: CgroupPath, layout: CgroupLayout): CgroupPlan {
  const handle = cgroupHandle(layout, cgroupPath);
  const ctx = planResources(resources, handle);
  const dirs = handle.dirs.map((d) => ({
    dir: d.dir,
    mountpoint: d.mountpoint,
    cpusetInherit: d.version === 1 && d.controllers.includes("cpuset"),
  }));
  // v2: a controller's files appear in a cgroup only once every ancestor enables it in
  // cgroup.subtree_control. On a v2 system enable all the hierarchy offers (so stats work, as
  // runc and crun do) but only fail for those the resources need: an ancestor with processes of
  // its own refuses enables (EBUSY). On the hybrid side mount, enable only what is needed: other
  // tools (crun) look at that mount, and nothing else there is ours to change.
  const enables: CgroupWrite[] = [];
  const v2 = handle.dirs.find((d) => d.version === 2);
  if (v2) {
    const wanted = handle.kind === "v2" ? v2.controllers : v2.controllers.filter((c) => ctx.v2ControllersUsed.has(c));
    for (const dir of ancestors(v2.mountpoint, v2.dir)) {
      for (const c of wanted) {
        const needed = ctx.v2ControllersUsed.has(c);
        enables.push({ dir, file: "cgroup.subtree_control", value: `+${c}`, optional: !needed, field: needed ? `enabling the ${c} controller` : undefined });
      }
    }
  }
  return { handle, dirs, writes: [...enables, ...ctx.writes], warnings: ctx.warnings };
}
