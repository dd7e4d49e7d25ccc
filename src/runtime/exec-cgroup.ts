// runc's `exec --cgroup [CONTROLLER[,CONTROLLER]:]PATH`: the exec'd process joins an existing
// sub-cgroup of the container's instead of the container's own cgroup. Pure: flags -> the
// directories the launcher joins (native/launcher/cgroup_join.h).
import { posix } from "node:path";
import { UserError } from "../common/errors.ts";
import type { CgroupHandle } from "../linux/cgroups/index.ts";
import type { CgroupJoin } from "../linux/plan.ts";

/**
 * `specs` as given (`PATH` for every hierarchy, or `CONTROLLERS:PATH` for v1 hierarchies with those
 * controllers; a later one wins). On cgroup v2 (the unified hierarchy is the container's only
 * one) a single PATH, as runc. Paths are relative to the container's cgroup and stay below it.
 * Errors are UserErrors naming the flag (the caller says which container).
 */
export function execCgroupJoin(handle: CgroupHandle, specs: string[]): CgroupJoin {
  const all = new Map<string, string>(); // controller ("" = every hierarchy) -> sub-path
  for (const spec of specs) {
    const colon = spec.indexOf(":");
    const controllers = colon < 0 ? [""] : spec.slice(0, colon).split(",");
    const sub = colon < 0 ? spec : spec.slice(colon + 1);
    const normal = posix.normalize(sub);
    if (!sub || sub.startsWith("/") || normal === ".." || normal.startsWith("../")) {
      throw new UserError(`--cgroup "${spec}": expected a path inside the container's cgroup, e.g. "sub" or "memory:sub"`);
    }
    for (const c of controllers) all.set(c, normal);
  }
  const v2Only = handle.dirs.every((d) => d.version === 2);
  if (v2Only && (specs.length > 1 || [...all.keys()].some((c) => c !== ""))) {
    throw new UserError(`--cgroup: on cgroup v2 give one path, without controllers`);
  }
  for (const c of all.keys()) {
    if (c && !handle.dirs.some((d) => d.version === 1 && d.controllers.includes(c))) {
      throw new UserError(`--cgroup: the container has no cgroup v1 hierarchy with controller "${c}"`);
    }
  }
  const subFor = (d: CgroupHandle["dirs"][number]) =>
    (d.version === 1 ? d.controllers.map((c) => all.get(c)).find((s) => s !== undefined) : undefined) ?? all.get("");
  const dir = (d: CgroupHandle["dirs"][number]) => {
    const sub = subFor(d);
    return sub === undefined ? d.dir : posix.join(d.dir, sub);
  };
  return { v1: handle.dirs.filter((d) => d.version === 1).map(dir), v2: handle.dirs.filter((d) => d.version === 2).map(dir)[0] };
}
