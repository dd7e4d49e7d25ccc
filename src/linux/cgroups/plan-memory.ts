// linux.resources.memory -> memory controller files.
import { CgroupConfigError } from "./errors.ts";
import type { LinuxMemory } from "./resources.ts";
import { checkInt, int, isSet, type PlanContext } from "./plan-context.ts";
import { swapToV2 } from "./convert.ts";

const F = "linux.resources.memory";

export function planMemory(m: LinuxMemory | undefined, ctx: PlanContext): void {
  if (!m) return;
  for (const k of ["limit", "reservation", "swap", "kernel", "kernelTCP"] as const) {
    if (m[k] !== undefined) checkInt(`${F}.${k}`, m[k], -1);
  }
  if (m.swappiness !== undefined) checkInt(`${F}.swappiness`, m.swappiness);
  const any = Object.values(m).some((v) => v !== undefined && v !== false);
  if (!any) return;
  const d = ctx.target("memory", F);

  if (d.version === 1) {
    let swap = m.swap;
    // runc: an unlimited memory limit without a swap setting means "both unlimited".
    if (m.limit === -1 && !isSet(swap)) swap = -1;
    if (isSet(m.limit) && isSet(swap) && m.limit > 0 && swap > 0 && swap < m.limit) {
      throw new CgroupConfigError(`${F}.swap`, `memory+swap limit (${swap}) must be >= the memory limit (${m.limit})`);
    }
    if (isSet(m.limit) && isSet(swap)) {
      // memory.limit <= memory.memsw.limit must hold after every write.
      if (swap === -1) {
        ctx.write(d, "memory.memsw.limit_in_bytes", "-1", `${F}.swap`);
        ctx.write(d, "memory.limit_in_bytes", int(m.limit), `${F}.limit`);
      } else {
        ctx.write(d, "memory.limit_in_bytes", int(m.limit), `${F}.limit`, { swapWithNextOnEinval: true });
        ctx.write(d, "memory.memsw.limit_in_bytes", int(swap), `${F}.swap`);
      }
    } else if (isSet(m.limit)) {
      ctx.write(d, "memory.limit_in_bytes", int(m.limit), `${F}.limit`);
    } else if (isSet(swap)) {
      ctx.write(d, "memory.memsw.limit_in_bytes", int(swap), `${F}.swap`);
    }
    if (isSet(m.reservation)) ctx.write(d, "memory.soft_limit_in_bytes", int(m.reservation), `${F}.reservation`);
    // Kernel memory limits are deprecated (Linux 5.4); newer kernels accept the write and
    // ignore it (the file reads back unlimited), or refuse it. Either way, say so.
    if (isSet(m.kernel)) {
      ctx.write(d, "memory.kmem.limit_in_bytes", int(m.kernel), `${F}.kernel`, { optional: true });
      ctx.warn(`${F}.kernel`, "kernel memory limits are deprecated; recent kernels ignore them");
    }
    if (isSet(m.kernelTCP)) ctx.write(d, "memory.kmem.tcp.limit_in_bytes", int(m.kernelTCP), `${F}.kernelTCP`);
    if (isSet(m.swappiness) && m.swappiness !== -1) {
      checkInt(`${F}.swappiness`, m.swappiness, 0, 100);
      ctx.write(d, "memory.swappiness", int(m.swappiness), `${F}.swappiness`);
    }
    if (m.disableOOMKiller) ctx.write(d, "memory.oom_control", "1", `${F}.disableOOMKiller`);
    // Always 1 on kernels >= 5.x and not writable there; a request for 1 must not fail.
    if (m.useHierarchy !== undefined) {
      ctx.write(d, "memory.use_hierarchy", m.useHierarchy ? "1" : "0", `${F}.useHierarchy`, { optional: true });
    }
    return;
  }

  // cgroup v2
  if (isSet(m.swap) && m.swap !== 0) {
    const v = swapToV2(m.swap, m.limit ?? 0, `${F}.swap`);
    if (v !== 0) ctx.write(d, "memory.swap.max", v === -1 ? "max" : int(v), `${F}.swap`);
  } else if (m.limit === -1) {
    ctx.write(d, "memory.swap.max", "max", `${F}.swap`);
  }
  if (isSet(m.limit)) ctx.write(d, "memory.max", m.limit === -1 ? "max" : int(m.limit), `${F}.limit`);
  if (isSet(m.reservation)) ctx.write(d, "memory.low", m.reservation === -1 ? "max" : int(m.reservation), `${F}.reservation`);
  if (m.disableOOMKiller) ctx.warn(`${F}.disableOOMKiller`, "cgroup v2 cannot disable the OOM killer; ignored");
  if (isSet(m.kernel)) ctx.warn(`${F}.kernel`, "cgroup v2 has no kernel memory limit; ignored");
  if (isSet(m.kernelTCP)) ctx.warn(`${F}.kernelTCP`, "cgroup v2 has no kernel TCP memory limit; ignored");
  if (isSet(m.swappiness) && m.swappiness !== -1) ctx.warn(`${F}.swappiness`, "cgroup v2 has no per-cgroup swappiness; ignored");
}
