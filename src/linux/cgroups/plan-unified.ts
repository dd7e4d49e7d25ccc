// linux.resources.unified: cgroup v2 file -> value, written as is, after everything else (so it
// can override a translated value, as in runc and crun).
import { CgroupConfigError } from "./errors.ts";
import type { PlanContext } from "./plan-context.ts";

const F = "linux.resources.unified";

export function planUnified(unified: Record<string, string> | undefined, ctx: PlanContext): void {
  const entries = Object.entries(unified ?? {});
  if (!entries.length) return;
  const d = ctx.handle.dirs.find((x) => x.version === 2);
  if (!d) throw new CgroupConfigError(F, "needs cgroup v2, and this system has only cgroup v1");
  for (const [key, value] of entries) {
    const field = `${F}.${key}`;
    if (!/^[a-z_]+\.[a-zA-Z0-9_.]+$/.test(key)) throw new CgroupConfigError(field, "is not a cgroup v2 file name");
    if (typeof value !== "string") throw new CgroupConfigError(field, "value must be a string");
    const controller = key.slice(0, key.indexOf("."));
    if (controller !== "cgroup" && !d.controllers.includes(controller)) {
      const v1 = ctx.handle.dirs.some((x) => x.version === 1 && x.controllers.includes(controller));
      const why = v1 ? `it is a cgroup v1 controller on this ${ctx.handle.kind} system` : "not available in the cgroup v2 hierarchy";
      throw new CgroupConfigError(field, `the ${controller} controller is ${why}`);
    }
    if (controller !== "cgroup") ctx.v2ControllersUsed.add(controller);
    ctx.write(d, key, value, field);
  }
}
