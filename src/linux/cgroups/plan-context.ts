// What the per-controller translators share: where each controller lives, the list of writes
// being built, and warnings for settings the kernel here cannot honour.
import { CgroupConfigError } from "./errors.ts";
import { dirFor, type CgroupDir, type CgroupHandle } from "./paths.ts";

/** One value written to one cgroup file. Order matters: writes are applied as listed. */
export interface CgroupWrite {
  dir: string;
  file: string;
  value: string;
  /** The config field it comes from, for error messages ("linux.resources.memory.limit"). */
  field?: string;
  /** A failure is only a warning (settings the kernel may have dropped, best-effort enables). */
  optional?: boolean;
  /**
   * Two limits that constrain each other (memory <= memory+swap, quota vs period): if this
   * write fails with EINVAL, the next one is written first and this one retried. Which order
   * works depends on the current values, as runc also finds out at run time.
   */
  swapWithNextOnEinval?: boolean;
  /** Written instead when `file` does not exist (blkio.weight vs blkio.bfq.weight). */
  fallback?: { file: string; value: string };
}

export class PlanContext {
  readonly writes: CgroupWrite[] = [];
  readonly warnings: string[] = [];
  /** v2 controllers the resources need enabled in the parents' cgroup.subtree_control. */
  readonly v2ControllersUsed = new Set<string>();

  constructor(readonly handle: CgroupHandle) {}

  /** The directory serving a controller (v1 name), or a clear error naming the config field. */
  target(controller: string, field: string, v2Controller = controller): CgroupDir {
    const d = dirFor(this.handle, controller);
    if (!d) {
      const where = this.handle.kind === "hybrid" ? "in any v1 hierarchy or in the cgroup v2 mount" : `on this cgroup ${this.handle.kind} system`;
      throw new CgroupConfigError(field, `the ${controller} controller is not available ${where}`);
    }
    if (d.version === 2 && d.controllers.includes(v2Controller)) this.v2ControllersUsed.add(v2Controller);
    return d;
  }

  write(d: CgroupDir, file: string, value: string, field: string, extra: Partial<CgroupWrite> = {}): void {
    this.writes.push({ dir: d.dir, file, value, field, ...extra });
  }

  warn(field: string, message: string): void {
    this.warnings.push(`${field}: ${message}`);
  }
}

/** Decimal text of an integer, never exponent notation (JSON numbers may be large). */
export function int(n: number): string {
  return BigInt(Math.trunc(n)).toString();
}

export function isSet(n: number | undefined | null): n is number {
  return typeof n === "number";
}

export function checkInt(field: string, n: unknown, min?: number, max?: number): void {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new CgroupConfigError(field, `must be an integer, got ${JSON.stringify(n)}`);
  if (min !== undefined && n < min) throw new CgroupConfigError(field, `must be at least ${min}, got ${n}`);
  if (max !== undefined && n > max) throw new CgroupConfigError(field, `must be at most ${max}, got ${n}`);
}
