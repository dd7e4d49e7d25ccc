// The run root's pure parts (where it is, what a lost run reads as) and the records reconciliation
// looks at (the real SQLite store in a temp dir; no root needed).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerDb } from "../../src/engine/db.ts";
import { DEFAULT_RUN_ROOT, runRootFor } from "../../src/engine/run-root.ts";
import { emptyState, mergeState } from "../../src/engine/state.ts";
import type { ContainerJSON } from "../../src/engine/types.ts";

const dir = mkdtempSync(join(tmpdir(), "nsbox-run-root-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the run root: $NSBOX_RUNROOT, else /run/nsbox for the default root, else <root>/run", () => {
  expect(runRootFor("/var/lib/nsbox", "/var/lib/nsbox", undefined)).toBe(DEFAULT_RUN_ROOT);
  expect(DEFAULT_RUN_ROOT).toBe("/run/nsbox");
  expect(runRootFor("/tmp/t1", "/var/lib/nsbox", undefined)).toBe("/tmp/t1/run");
  expect(runRootFor("/tmp/t1", "/var/lib/nsbox", "/run/mine")).toBe("/run/mine");
  expect(runRootFor("/var/lib/nsbox", "/var/lib/nsbox", "/run/mine")).toBe("/run/mine");
});

test("a container whose run state was lost (a reboot) reads exited with 255; one never started stays created", () => {
  const alive = { monitor: false, init: false };
  expect(mergeState(emptyState(), undefined, alive, false, true)).toMatchObject({ Status: "exited", Running: false, Pid: 0, ExitCode: 255 });
  expect(mergeState(emptyState(), undefined, alive, false, false).Status).toBe("created");
});

test("reconciliation reads only half-made rows and --rm containers", () => {
  const db = new ContainerDb(join(dir, "containers.db"));
  const doc = (id: string, autoRemove: boolean) => ({ Id: id, Created: new Date().toISOString(), HostConfig: { AutoRemove: autoRemove } }) as unknown as ContainerJSON;
  db.insert(doc("a".repeat(64), false), "half", 1);
  db.insert(doc("b".repeat(64), false), "kept", 1);
  db.markComplete("b".repeat(64), doc("b".repeat(64), false));
  db.insert(doc("c".repeat(64), true), "once", 1);
  db.markComplete("c".repeat(64), doc("c".repeat(64), true));
  expect(db.reconcileCandidates().map((r) => r.name).sort()).toEqual(["half", "once"]);
  db.close();
});
