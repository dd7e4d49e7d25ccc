// linux.resources pids, hugepageLimits, network (net_cls/net_prio) and rdma.
import { CgroupConfigError } from "./errors.ts";
import type { LinuxResources } from "./resources.ts";
import { checkInt, int, type PlanContext } from "./plan-context.ts";

const R = "linux.resources";

export function planPids(r: LinuxResources, ctx: PlanContext): void {
  const limit = r.pids?.limit;
  if (limit === undefined) return;
  checkInt(`${R}.pids.limit`, limit);
  if (limit === 0) return; // runc: 0 means "not set"
  const d = ctx.target("pids", `${R}.pids`);
  ctx.write(d, "pids.max", limit > 0 ? int(limit) : "max", `${R}.pids.limit`);
}

const pageSize = /^[1-9][0-9]*(KB|MB|GB|TB|PB)$/;

export function planHugetlb(r: LinuxResources, ctx: PlanContext): void {
  const limits = r.hugepageLimits ?? [];
  if (!limits.length) return;
  const d = ctx.target("hugetlb", `${R}.hugepageLimits`);
  limits.forEach((h, i) => {
    const field = `${R}.hugepageLimits[${i}]`;
    if (typeof h.pageSize !== "string" || !pageSize.test(h.pageSize)) {
      throw new CgroupConfigError(`${field}.pageSize`, `"${h.pageSize}" is not a page size like "2MB" or "1GB"`);
    }
    checkInt(`${field}.limit`, h.limit);
    const file = d.version === 1 ? `hugetlb.${h.pageSize}.limit_in_bytes` : `hugetlb.${h.pageSize}.max`;
    const value = d.version === 2 && h.limit < 0 ? "max" : int(h.limit);
    ctx.write(d, file, value, `${field}.limit`);
  });
}

export function planNetwork(r: LinuxResources, ctx: PlanContext): void {
  const n = r.network;
  if (!n) return;
  if (n.classID !== undefined) {
    checkInt(`${R}.network.classID`, n.classID, 0, 0xffffffff);
    const d = ctx.target("net_cls", `${R}.network.classID`);
    ctx.write(d, "net_cls.classid", int(n.classID), `${R}.network.classID`);
  }
  const prios = n.priorities ?? [];
  if (!prios.length) return;
  const d = ctx.target("net_prio", `${R}.network.priorities`);
  prios.forEach((p, i) => {
    const field = `${R}.network.priorities[${i}]`;
    if (typeof p.name !== "string" || !/^[^\s/]{1,15}$/.test(p.name)) {
      throw new CgroupConfigError(`${field}.name`, `"${p.name}" is not an interface name`);
    }
    checkInt(`${field}.priority`, p.priority, 0);
    ctx.write(d, "net_prio.ifpriomap", `${p.name} ${int(p.priority)}`, field);
  });
}

export function planRdma(r: LinuxResources, ctx: PlanContext): void {
  const entries = Object.entries(r.rdma ?? {});
  if (!entries.length) return;
  const d = ctx.target("rdma", `${R}.rdma`);
  for (const [device, lim] of entries) {
    const field = `${R}.rdma.${device}`;
    if (!/^[^\s/]+$/.test(device)) throw new CgroupConfigError(field, `"${device}" is not a device name`);
    const parts = [device];
    if (lim.hcaHandles !== undefined) (checkInt(`${field}.hcaHandles`, lim.hcaHandles, 0), parts.push(`hca_handle=${lim.hcaHandles}`));
    if (lim.hcaObjects !== undefined) (checkInt(`${field}.hcaObjects`, lim.hcaObjects, 0), parts.push(`hca_object=${lim.hcaObjects}`));
    if (parts.length > 1) ctx.write(d, "rdma.max", parts.join(" "), field);
  }
}
