// Value conversions between cgroup v1 semantics (which the OCI spec uses) and cgroup v2 files,
// the same formulas runc and crun use so a container gets the same share whichever runs it.
import { CgroupConfigError } from "./errors.ts";

/** cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 stays 0 ("not set"). */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 stays 0 ("not set"). */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/**
 * OCI `memory.swap` is memory+swap (v1 memsw); v2's memory.swap.max is swap alone.
 * Returns -1 for "max", 0 for "leave unset", else the swap-only amount.
 */
export function swapToV2(swap: number, limit: number, field: string): number {
  if (limit === -1 && swap === 0) return -1;
  if (swap === -1 || swap === 0) return swap;
  if (limit === 0 || limit === -1) throw new CgroupConfigError(field, "a swap limit needs a memory limit on cgroup v2");
  if (swap < limit) throw new CgroupConfigError(field, `memory+swap limit (${swap}) must be >= the memory limit (${limit})`);
  return swap - limit;
}
