// The plan's ids live twice: native/common/plan_ids.h (C) and src/linux/plan-ids.ts (TS). Parse the
// header and check that both sides agree number for number, and that no id repeats in its enum.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NA, PA, SYNC } from "../../src/linux/plan-ids.ts";

const header = readFileSync(join(import.meta.dir, "../../native/common/plan_ids.h"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");

/** NAME = N pairs of one `enum NAME { ... };` block, in order. */
function enumEntries(name: string): [string, number][] {
  const body = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(header)?.[1];
  if (body === undefined) throw new Error(`enum ${name} not found in plan_ids.h`);
  return [...body.matchAll(/\b([A-Z][A-Z0-9_]*)\s*=\s*(\d+)/g)].map((m) => [m[1]!, Number(m[2])]);
}

function defines(prefix: string): Record<string, string> {
  return Object.fromEntries([...header.matchAll(new RegExp(`#define\\s+${prefix}(\\w+)\\s+"([^"]*)"`, "g"))].map((m) => [m[1]!, m[2]!]));
}

describe("plan attribute ids (PA_)", () => {
  const c = enumEntries("plan_attr_id");

  test("the header was parsed", () => {
    expect(c.length).toBeGreaterThan(30);
    expect(c.every(([n]) => n.startsWith("PA_"))).toBe(true);
  });

  test("every C id has the same number in TypeScript, and TS has no extra ones", () => {
    const fromC = Object.fromEntries(c.map(([n, v]) => [n.slice(3), v]));
    expect({ ...PA }).toEqual(fromC);
  });

  test("no number is used twice", () => {
    const values = c.map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe("nested attribute ids (NA_)", () => {
  const c = enumEntries("plan_nested_attr_id");

  test("every C id has the same number in TypeScript, and TS has no extra ones", () => {
    expect(c.length).toBeGreaterThan(20);
    const fromC = Object.fromEntries(c.map(([n, v]) => [n.slice(3), v]));
    expect({ ...NA }).toEqual(fromC);
  });

  // Nested ids are scoped by their group (NA_MNT_*, NA_DEV_*, ...): unique within each group.
  test("no number repeats within a nested group", () => {
    const groups = new Map<string, number[]>();
    for (const [name, v] of c) {
      const group = /^NA_(NS|MNT|DEV|LINK|RLIM|CAP|HOOK|SCHED)_/.exec(name)?.[1] ?? "KV";
      groups.set(group, [...(groups.get(group) ?? []), v]);
    }
    expect([...groups.keys()].sort()).toEqual(["CAP", "DEV", "HOOK", "KV", "LINK", "MNT", "NS", "RLIM", "SCHED"]);
    for (const [group, values] of groups) expect({ group, unique: new Set(values).size }).toEqual({ group, unique: values.length });
  });
});

describe("stage sync bytes", () => {
  test("are distinct", () => {
    const values = enumEntries("stage_sync").map(([, v]) => v);
    expect(values.length).toBeGreaterThan(3);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe("sync lines (SYNC_)", () => {
  test("match the TypeScript strings", () => {
    expect(defines("SYNC_")).toEqual({ PID: SYNC.PID, READY: SYNC.READY, ERROR: SYNC.ERROR, HOOKS: SYNC.HOOKS });
  });
});
