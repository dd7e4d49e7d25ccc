// linux.resources.cpu -> cpu (shares, CFS quota/period/burst, realtime, idle) and cpuset files.
import { CgroupConfigError } from "./errors.ts";
import type { LinuxCPU } from "./resources.ts";
import { checkInt, int, isSet, type PlanContext } from "./plan-context.ts";
import { sharesToWeight } from "./convert.ts";

const F = "linux.resources.cpu";
const cpuList = /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/;

export function planCpu(c: LinuxCPU | undefined, ctx: PlanContext): void {
  if (!c) return;
  for (const k of ["shares", "quota", "burst", "period", "realtimeRuntime", "realtimePeriod", "idle"] as const) {
    if (c[k] !== undefined) checkInt(`${F}.${k}`, c[k]);
  }
  planCpuController(c, ctx);
  for (const k of ["cpus", "mems"] as const) {
    const v = c[k];
    if (v === undefined || v === "") continue;
    if (typeof v !== "string" || !cpuList.test(v)) throw new CgroupConfigError(`${F}.${k}`, `"${v}" is not a list like "0-3,5"`);
    const d = ctx.target("cpuset", `${F}.${k}`);
    ctx.write(d, `cpuset.${k}`, v.replace(/\s+/g, ""), `${F}.${k}`);
  }
}

function planCpuController(c: LinuxCPU, ctx: PlanContext): void {
  const quota = c.quota ?? 0;
  const period = c.period ?? 0;
  const rt = (c.realtimeRuntime ?? 0) !== 0 || (c.realtimePeriod ?? 0) !== 0;
  if (!c.shares && !quota && !period && !isSet(c.burst) && !rt && !isSet(c.idle)) return;
  const d = ctx.target("cpu", F);

  if (d.version === 1) {
    if (c.shares) ctx.write(d, "cpu.shares", int(c.shares), `${F}.shares`);
    // quota must fit the period (and the parent's budget): which order works depends on the
    // values in place, so try period first and swap on EINVAL.
    if (period && quota) {
      ctx.write(d, "cpu.cfs_period_us", int(period), `${F}.period`, { swapWithNextOnEinval: true });
      ctx.write(d, "cpu.cfs_quota_us", int(quota), `${F}.quota`);
    } else if (period) ctx.write(d, "cpu.cfs_period_us", int(period), `${F}.period`);
    else if (quota) ctx.write(d, "cpu.cfs_quota_us", int(quota), `${F}.quota`);
    if (isSet(c.burst)) ctx.write(d, "cpu.cfs_burst_us", int(c.burst), `${F}.burst`);
    if (c.realtimePeriod) ctx.write(d, "cpu.rt_period_us", int(c.realtimePeriod), `${F}.realtimePeriod`);
    if (c.realtimeRuntime) ctx.write(d, "cpu.rt_runtime_us", int(c.realtimeRuntime), `${F}.realtimeRuntime`);
    if (isSet(c.idle)) ctx.write(d, "cpu.idle", int(c.idle), `${F}.idle`);
    return;
  }

  // cgroup v2
  if (rt) throw new CgroupConfigError(`${F}.realtimeRuntime`, "cgroup v2 has no realtime CPU limits");
  if (c.shares) ctx.write(d, "cpu.weight", int(sharesToWeight(c.shares)), `${F}.shares`);
  if (quota || period) {
    // Same as runc: a missing or non-positive quota means "max"; the period is kept if given.
    const q = quota > 0 ? int(quota) : "max";
    ctx.write(d, "cpu.max", period ? `${q} ${int(period)}` : q, `${F}.quota`);
  }
  if (isSet(c.burst)) ctx.write(d, "cpu.max.burst", int(c.burst), `${F}.burst`);
  if (isSet(c.idle)) ctx.write(d, "cpu.idle", int(c.idle), `${F}.idle`);
}
