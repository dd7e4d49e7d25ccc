// Errors of the cgroups module. Both are UserErrors: the runtime prints them as one line.
import { UserError, describeErrno } from "../../common/errors.ts";

/** A `linux.resources`/`linux.cgroupsPath` value that cannot be applied; names the JSON field. */
export class CgroupConfigError extends UserError {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "CgroupConfigError";
  }
}

/**
 * A failed operation on cgroupfs, naming the file and, for writes, the value:
 *   linux.resources.memory.limit: write "100" to /sys/fs/cgroup/memory/x/memory.limit_in_bytes: invalid argument
 */
export class CgroupIOError extends UserError {
  /** `code` is an errno name (ENOENT) or, for failures without one, a short description. */
  constructor(readonly op: string, readonly path: string, readonly code: string | undefined, field?: string) {
    super(`${field ?? "cgroups"}: ${op} ${path}: ${code ? describeErrno(code) : "failed"}`);
    this.name = "CgroupIOError";
  }
}
