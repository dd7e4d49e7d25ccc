// The executor's ordering, fallback, optional and rollback rules, on plain files in a temp dir
// (cgroupfs specifics such as EINVAL ordering are covered by the integration test).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { applyWrites, CgroupIOError, createCgroup, type CgroupPlan } from "../../src/linux/cgroups/index.ts";

let top: string;
beforeEach(() => {
  top = mkdtempSync(`${tmpdir()}/cg-apply-`);
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

function fakePlan(writes: CgroupPlan["writes"]): CgroupPlan {
  const dir = `${top}/nsbox-runtime/c1`;
  return {
    handle: { kind: "v1", path: "/nsbox-runtime/c1", dirs: [{ version: 1, controllers: ["memory"], mountpoint: top, dir }] },
    dirs: [{ dir, mountpoint: top, cpusetInherit: false }],
    writes,
    warnings: [],
  };
}

describe("applying cgroup writes", () => {
  test("writes existing files in order; never creates a missing one", () => {
    writeFileSync(`${top}/a`, "");
    expect(applyWrites([{ dir: top, file: "a", value: "1" }])).toEqual([]);
    expect(readFileSync(`${top}/a`, "utf8")).toBe("1");
    expect(() => applyWrites([{ dir: top, file: "missing", value: "7", field: "linux.resources.pids.limit" }])).toThrow(
      `linux.resources.pids.limit: write "7" to ${top}/missing: no such file or directory`,
    );
    expect(existsSync(`${top}/missing`)).toBe(false);
  });

  test("a missing file falls back to the alternative (blkio.weight -> blkio.bfq.weight)", () => {
    writeFileSync(`${top}/blkio.bfq.weight`, "");
    applyWrites([{ dir: top, file: "blkio.weight", value: "500", fallback: { file: "blkio.bfq.weight", value: "500" } }]);
    expect(readFileSync(`${top}/blkio.bfq.weight`, "utf8")).toBe("500");
  });

  test("an optional write that fails becomes a warning and the rest still happens", () => {
    writeFileSync(`${top}/b`, "");
    const warnings = applyWrites([
      { dir: top, file: "gone", value: "1", optional: true },
      { dir: top, file: "b", value: "2" },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${top}/gone`);
    expect(readFileSync(`${top}/b`, "utf8")).toBe("2");
  });

  test("a failed create removes the directories it made and names the file and value", () => {
    const plan = fakePlan([{ dir: `${top}/nsbox-runtime/c1`, file: "memory.limit_in_bytes", value: "100", field: "linux.resources.memory.limit" }]);
    let err: unknown;
    try {
      createCgroup(plan);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CgroupIOError);
    expect((err as Error).message).toBe(
      `linux.resources.memory.limit: write "100" to ${top}/nsbox-runtime/c1/memory.limit_in_bytes: no such file or directory`,
    );
    expect(existsSync(`${top}/nsbox-runtime`)).toBe(false);
  });

  test("create reports which directories it made; existing ones are kept on rollback", () => {
    const r = createCgroup(fakePlan([]));
    expect(r.created).toEqual([`${top}/nsbox-runtime`, `${top}/nsbox-runtime/c1`]);
    rmSync(`${top}/nsbox-runtime/c1`, { recursive: true });
    expect(() => createCgroup(fakePlan([{ dir: `${top}/nsbox-runtime/c1`, file: "x", value: "1" }]))).toThrow(CgroupIOError);
    expect(existsSync(`${top}/nsbox-runtime`)).toBe(true);
    expect(existsSync(`${top}/nsbox-runtime/c1`)).toBe(false);
  });
});
