// process.scheduler and process.ioPriority -> the launcher's sched_setattr/ioprio_set values (pure).
import { describe, expect, test } from "bun:test";
import { ioprioValue, schedAttr } from "../../src/oci/scheduling.ts";
import type { Scheduler } from "../../src/oci/spec.ts";

const F = "process.scheduler";

describe("schedAttr", () => {
  test("policies, nice, priority and flags become sched_attr's numbers", () => {
    expect(schedAttr({ policy: "SCHED_BATCH", nice: -3 }, F)).toEqual({
      policy: 3, flags: 0n, nice: -3, priority: 0, runtime: 0n, deadline: 0n, period: 0n,
    });
    expect(schedAttr({ policy: "SCHED_RR", priority: 99, flags: ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_UTIL_CLAMP_MAX"] }, F)).toMatchObject({
      policy: 2, priority: 99, flags: 0x41n,
    });
    expect(schedAttr({ policy: "SCHED_DEADLINE", runtime: 10_000_000, deadline: 30_000_000, period: 100_000_000 }, F)).toMatchObject({
      policy: 6, runtime: 10_000_000n, deadline: 30_000_000n, period: 100_000_000n,
    });
    expect(schedAttr(undefined, F)).toBeUndefined();
  });

  test("what sched_setattr would refuse is a config error naming the field", () => {
    const cases: [Scheduler, string][] = [
      [{ policy: "SCHED_FAST" }, "process.scheduler.policy: unknown policy \"SCHED_FAST\""],
      [{ policy: "SCHED_FIFO" }, "process.scheduler.priority: SCHED_FIFO needs a priority from 1 to 99, not 0"],
      [{ policy: "SCHED_RR", priority: 100 }, "process.scheduler.priority: SCHED_RR needs a priority from 1 to 99, not 100"],
      [{ policy: "SCHED_OTHER", priority: 1 }, "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority"],
      [{ policy: "SCHED_OTHER", nice: 20 }, "process.scheduler.nice: must be an integer from -20 to 19, not 20"],
      [{ policy: "SCHED_OTHER", flags: ["SCHED_FLAG_FAST"] }, "process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_FAST\""],
      [{ policy: "SCHED_DEADLINE", runtime: 5, deadline: 3 }, "process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period"],
      [{ policy: "SCHED_DEADLINE", runtime: -1 }, "process.scheduler.runtime: must be a non-negative integer"],
    ];
    for (const [s, message] of cases) expect(() => schedAttr(s, F)).toThrow(`config.json: ${message}`);
  });
});

describe("ioprioValue", () => {
  test("class in bits 13-15, the level below (linux/ioprio.h)", () => {
    expect(ioprioValue({ class: "IOPRIO_CLASS_RT", priority: 0 }, "process.ioPriority")).toBe(1 << 13);
    expect(ioprioValue({ class: "IOPRIO_CLASS_BE", priority: 7 }, "process.ioPriority")).toBe((2 << 13) | 7);
    expect(ioprioValue({ class: "IOPRIO_CLASS_IDLE" }, "process.ioPriority")).toBe(3 << 13);
    expect(ioprioValue(undefined, "process.ioPriority")).toBeUndefined();
  });

  test("an unknown class or a level out of 0-7 is a config error naming the field", () => {
    expect(() => ioprioValue({ class: "IOPRIO_CLASS_FAST", priority: 0 }, "process.ioPriority")).toThrow('config.json: process.ioPriority.class: unknown class "IOPRIO_CLASS_FAST"');
    expect(() => ioprioValue({ class: "IOPRIO_CLASS_BE", priority: 8 }, "process.ioPriority")).toThrow("config.json: process.ioPriority.priority: must be an integer from 0 to 7, not 8");
  });
});
