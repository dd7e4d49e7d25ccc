// process.scheduler (sched_setattr(2)) and process.ioPriority (ioprio_set(2)), runtime-spec 1.2:
// names and numbers checked here, so a bad value is one line naming the field, before anything
// exists; the launcher only makes the two calls (native/launcher/process.c). Pure.
import type { SchedAttr } from "../linux/plan.ts";
import type { Process } from "./spec.ts";
import { ConfigError } from "./validate.ts";

const POLICIES: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};
const FLAGS: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01, SCHED_FLAG_RECLAIM: 0x02, SCHED_FLAG_DL_OVERRUN: 0x04, SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10, SCHED_FLAG_UTIL_CLAMP_MIN: 0x20, SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};
const IOPRIO_CLASSES: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };

const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);

function nonNegative(v: unknown, field: string): bigint {
  if (v === undefined) return 0n;
  if (!isInt(v) || (v as number) < 0) throw new ConfigError(field, `must be a non-negative integer (nanoseconds), not ${JSON.stringify(v)}`);
  return BigInt(v as number);
}

export function schedAttr(s: Process["scheduler"], field: string): SchedAttr | undefined {
  if (s === undefined) return undefined;
  const policy = s.policy;
  if (typeof policy !== "string" || !Object.hasOwn(POLICIES, policy)) {
    throw new ConfigError(`${field}.policy`, `unknown policy ${JSON.stringify(policy)} (one of ${Object.keys(POLICIES).join(", ")})`);
  }
  const realtime = policy === "SCHED_FIFO" || policy === "SCHED_RR";
  if (s.nice !== undefined && (!isInt(s.nice) || s.nice < -20 || s.nice > 19)) throw new ConfigError(`${field}.nice`, `must be an integer from -20 to 19, not ${JSON.stringify(s.nice)}`);
  if (s.priority !== undefined && !isInt(s.priority)) throw new ConfigError(`${field}.priority`, `must be an integer, not ${JSON.stringify(s.priority)}`);
  const priority = s.priority ?? 0;
  // sched(7): real-time policies take a static priority of 1-99, every other policy 0.
  if (realtime && (priority < 1 || priority > 99)) throw new ConfigError(`${field}.priority`, `${policy} needs a priority from 1 to 99, not ${priority}`);
  if (!realtime && priority !== 0) throw new ConfigError(`${field}.priority`, `only SCHED_FIFO and SCHED_RR take a priority; ${policy} needs 0`);
  let flags = 0n;
  (s.flags ?? []).forEach((f, i) => {
    if (typeof f !== "string" || !Object.hasOwn(FLAGS, f)) throw new ConfigError(`${field}.flags[${i}]`, `unknown flag ${JSON.stringify(f)} (one of ${Object.keys(FLAGS).join(", ")})`);
    flags |= BigInt(FLAGS[f]!);
  });
  const attr: SchedAttr = {
    policy: POLICIES[policy]!, flags, nice: s.nice ?? 0, priority,
    runtime: nonNegative(s.runtime, `${field}.runtime`), deadline: nonNegative(s.deadline, `${field}.deadline`), period: nonNegative(s.period, `${field}.period`),
  };
  if (policy === "SCHED_DEADLINE" && !(attr.runtime > 0n && attr.runtime <= attr.deadline && (attr.period === 0n || attr.deadline <= attr.period))) {
    throw new ConfigError(field, "SCHED_DEADLINE needs 0 < runtime <= deadline <= period (period 0: the deadline)");
  }
  return attr;
}

/** The ioprio_set(2) value of process.ioPriority: class in bits 13-15, the level below. */
export function ioprioValue(io: Process["ioPriority"], field: string): number | undefined {
  if (io === undefined) return undefined;
  if (typeof io.class !== "string" || !Object.hasOwn(IOPRIO_CLASSES, io.class)) {
    throw new ConfigError(`${field}.class`, `unknown class ${JSON.stringify(io.class)} (one of ${Object.keys(IOPRIO_CLASSES).join(", ")})`);
  }
  const level = io.priority ?? 0;
  if (!isInt(level) || level < 0 || level > 7) throw new ConfigError(`${field}.priority`, `must be an integer from 0 to 7, not ${JSON.stringify(io.priority)}`);
  return (IOPRIO_CLASSES[io.class]! << 13) | level;
}
