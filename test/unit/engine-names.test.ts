// Generated container names: a clash with a name in use draws another (docker's retry), on the
// real store (SQLite in a temp dir; no root needed).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerDb, NameConflict } from "../../src/engine/db.ts";
import { claimGeneratedName, generateName } from "../../src/engine/names.ts";
import type { ContainerJSON } from "../../src/engine/types.ts";

let dir: string;
let db: ContainerDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "nsbox-names-"));
  db = new ContainerDb(join(dir, "containers.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const doc = (id: string) => ({ Id: id, Created: new Date().toISOString() }) as unknown as ContainerJSON;
const isConflict = (err: unknown) => err instanceof NameConflict;
/** A draw() that returns these names in order. */
const drawing = (names: string[]) => () => names.shift()!;

describe("claimGeneratedName", () => {
  test("a drawn name already in use is replaced by the next draw", () => {
    db.insert(doc("a".repeat(64)), "jolly_curie7", 1);
    const claimed = claimGeneratedName((n) => db.insert(doc("b".repeat(64)), n, 1), isConflict, drawing(["jolly_curie7", "jolly_curie7", "keen_euler3"]));
    expect(claimed).toBe("keen_euler3");
    expect(db.resolve("keen_euler3")?.id).toBe("b".repeat(64));
  });

  test("after `tries` clashes the conflict is reported; other errors are never retried", () => {
    db.insert(doc("a".repeat(64)), "jolly_curie7", 1);
    const always = () => "jolly_curie7";
    expect(() => claimGeneratedName((n) => db.insert(doc("b".repeat(64)), n, 1), isConflict, always, 3)).toThrow(NameConflict);
    let calls = 0;
    expect(() => claimGeneratedName(() => { calls++; throw new Error("disk I/O error"); }, isConflict)).toThrow("disk I/O error");
    expect(calls).toBe(1);
  });

  test("generated names have docker's shape", () => {
    for (let i = 0; i < 50; i++) expect(generateName()).toMatch(/^[a-z]+_[a-z]+\d{1,2}$/);
  });
});
