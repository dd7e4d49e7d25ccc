// create keeps the container's compiled seccomp program next to state.json; exec loads it back.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSpec } from "../../src/oci/defaults.ts";
import { compileSeccomp } from "../../src/oci/seccomp/index.ts";
import { loadSeccomp, saveSeccomp } from "../../src/runtime/seccomp-cache.ts";

const dir = mkdtempSync(join(tmpdir(), "nsbox-seccomp-cache-"));
afterEach(() => rmSync(join(dir, "seccomp.bpf"), { force: true }));

test("the default profile's program and flags come back byte for byte", () => {
  const { program } = compileSeccomp(defaultSpec().linux!.seccomp as never, "x64");
  saveSeccomp(dir, { program, flags: 0x8 });
  const back = loadSeccomp(dir)!;
  expect(back.flags).toBe(0x8);
  expect(Buffer.compare(back.program, program)).toBe(0);
});

test("no file, or one that is not whole sock_filter entries: undefined (exec compiles)", () => {
  expect(loadSeccomp(dir)).toBeUndefined();
  writeFileSync(join(dir, "seccomp.bpf"), Buffer.alloc(4 + 12));
  expect(loadSeccomp(dir)).toBeUndefined();
  writeFileSync(join(dir, "seccomp.bpf"), Buffer.alloc(4));
  expect(loadSeccomp(dir)).toBeUndefined();
});
