// The executor: creates a plan's directories and writes its values, in order. On failure it
// removes the directories it created and throws one error naming the file and the value.
import { existsSync, mkdirSync, rmdirSync } from "../fs.ts";
import { posix } from "node:path";
import { CgroupIOError } from "./errors.ts";
import { errCode, readCgroupFile, writeCgroupFile } from "./fsio.ts";
import type { CgroupWrite } from "./plan-context.ts";
import type { CgroupPlan, PlannedDir } from "./plan.ts";
import type { CgroupHandle } from "./paths.ts";
import { planResources } from "./plan.ts";
import type { CgroupJoin } from "../plan.ts";
import type { LinuxResources } from "./resources.ts";

function writeError(w: CgroupWrite, file: string, value: string, err: unknown): CgroupIOError {
  return new CgroupIOError(`write ${JSON.stringify(value)} to`, posix.join(w.dir, file), errCode(err), w.field);
}

function writeOne(w: CgroupWrite): void {
  try {
    writeCgroupFile(posix.join(w.dir, w.file), w.value);
  } catch (err) {
    if (errCode(err) === "ENOENT" && w.fallback && existsSync(w.dir)) {
      try {
        writeCgroupFile(posix.join(w.dir, w.fallback.file), w.fallback.value);
        return;
      } catch (err2) {
        throw writeError(w, w.fallback.file, w.fallback.value, err2);
      }
    }
    throw writeError(w, w.file, w.value, err);
  }
}

/** Writes in order; returns warnings for optional writes that failed. Throws CgroupIOError. */
export function applyWrites(writes: CgroupWrite[]): string[] {
  const warnings: string[] = [];
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i];
    try {
      writeOne(w);
    } catch (err) {
      const next = writes[i + 1];
      if (w.swapWithNextOnEinval && next && err instanceof CgroupIOError && err.code === "EINVAL") {
        writeOne(next);
        writeOne(w);
        i++;
        continue;
      }
      if (w.optional) {
        warnings.push((err as Error).message);
        continue;
      }
      throw err;
    }
  }
  return warnings;
}

/** mkdir -p below the mountpoint; appends the directories it creates to `created`, top-down. */
function makeDir(d: PlannedDir, created: string[]): void {
  const rel = posix.relative(d.mountpoint, d.dir);
  let cur = d.mountpoint;
  for (const part of rel.split("/")) {
    const parent = cur;
    cur = posix.join(cur, part);
    try {
      mkdirSync(cur);
      created.push(cur);
    } catch (err) {
      if (errCode(err) !== "EEXIST") throw new CgroupIOError("mkdir", cur, errCode(err));
    }
    // Also for directories that existed: one made by someone else may have been left empty.
    if (d.cpusetInherit) {
      for (const f of ["cpuset.cpus", "cpuset.mems"]) {
        if (readCgroupFile(`${cur}/${f}`)) continue;
        const value = readCgroupFile(`${parent}/${f}`) ?? "";
        try {
          writeCgroupFile(`${cur}/${f}`, value);
        } catch (err) {
          throw new CgroupIOError(`write ${JSON.stringify(value)} to`, `${cur}/${f}`, errCode(err));
        }
      }
    }
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // best effort during rollback
  }
}

export interface CreatedCgroup {
  handle: CgroupHandle;
  /** Directories this call created (rolled back on failure; the rest existed before). */
  created: string[];
  warnings: string[];
}

/** Carries out a plan from planCgroup. On failure nothing it created is left behind. */
export function createCgroup(plan: CgroupPlan): CreatedCgroup {
  const created: string[] = [];
  try {
    for (const d of plan.dirs) makeDir(d, created);
    const warnings = applyWrites(plan.writes);
    return { handle: plan.handle, created, warnings: [...plan.warnings, ...warnings] };
  } catch (err) {
    created.reverse().forEach(tryRmdir);
    throw err;
  }
}

/** `update`: applies new resources to an existing container cgroup; returns warnings. */
export function updateCgroup(handle: CgroupHandle, resources: LinuxResources): string[] {
  const ctx = planResources(resources, handle);
  return [...ctx.warnings, ...applyWrites(ctx.writes)];
}

/** The container's directories as the launcher joins them (native/launcher/cgroup_join.h). */
export function cgroupJoin(handle: CgroupHandle): CgroupJoin {
  return { v1: handle.dirs.filter((d) => d.version === 1).map((d) => d.dir), v2: handle.dirs.find((d) => d.version === 2)?.dir };
}

/** The cgroup.procs files a process writes its PID into to join the container's cgroup. */
function procsFiles(handle: CgroupHandle): string[] {
  return handle.dirs.map((d) => `${d.dir}/cgroup.procs`);
}

/** Moves a process into the container's cgroup in every hierarchy. */
export function addProcess(handle: CgroupHandle, pid: number): void {
  for (const f of procsFiles(handle)) {
    try {
      writeCgroupFile(f, String(pid));
    } catch (err) {
      throw new CgroupIOError(`write ${pid} to`, f, errCode(err));
    }
  }
}
