// cgroups for nsbox-runtime: detect the layout (v1, v2, hybrid), plan a container's cgroup from
// OCI linux.resources (pure), and carry it out; then join, freeze/thaw, update, stats, OOM
// events and removal. See docs/cgroups.md.
export type { LinuxResources, LinuxDeviceCgroup, LinuxMemory, LinuxCPU, LinuxBlockIO, LinuxHugepageLimit, LinuxNetwork } from "./resources.ts";
export { cacheLayoutIn, detectLayout, parseLayout, hierarchyFor, hierarchyName, type CgroupLayout, type Hierarchy, type LayoutKind, type CgroupVersion } from "./layout.ts";
export { resolveCgroupPath, cgroupHandle, dirFor, expandSlice, DEFAULT_CGROUP_PARENT, type CgroupPath, type CgroupHandle, type CgroupDir } from "./paths.ts";
export { planCgroup, planResources, type CgroupPlan, type PlannedDir } from "./plan.ts";
export type { CgroupWrite } from "./plan-context.ts";
export { DEFAULT_DEVICE_RULES, deviceRuleLine } from "./plan-devices.ts";
export { sharesToWeight, blkioWeightToIoWeight, swapToV2 } from "./convert.ts";
export { createCgroup, applyWrites, updateCgroup, cgroupJoin, addProcess, type CreatedCgroup } from "./apply.ts";
export { freeze, thaw, freezerState, type FreezerState, type FreezeOptions } from "./freezer.ts";
export { readStats } from "./stats.ts";
export type { CgroupStats } from "./stats-types.ts";
export { readOomCounters, watchOom, type OomCounters } from "./oom.ts";
export { cgroupPids, isEmpty, killAll, destroyCgroup, type DestroyOptions } from "./destroy.ts";
export { CgroupConfigError, CgroupIOError } from "./errors.ts";
