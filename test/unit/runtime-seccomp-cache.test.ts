// create keeps the container's compiled seccomp program next to state.json; exec loads it back.
// create itself reuses programs compiled for the same profile by the same build.
import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSpec } from "../../src/oci/defaults.ts";
import { compileSeccomp } from "../../src/oci/seccomp/index.ts";
import { compileSeccompCached, loadSeccomp, saveSeccomp } from "../../src/runtime/seccomp-cache.ts";

const dir = mkdtempSync(join(tmpdir(), "nsbox-seccomp-cache-"));
afterEach(() => rmSync(join(dir, "seccomp.bpf"), { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

test("create's cache: compiled once per profile and build, then read back; another profile, another entry", () => {
  const root = mkdtempSync(join(tmpdir(), "nsbox-seccomp-root-"));
  try {
    const spec = defaultSpec().linux!.seccomp as never;
    const first = compileSeccompCached(spec, root);
    expect(Buffer.compare(first.program, compileSeccomp(spec).program)).toBe(0);
    const [entry] = readdirSync(join(root, "@seccomp-cache"));
    expect(entry).toMatch(/^[0-9a-f]{64}\.bpf$/);
    // What the file says is what the next create gets: the compiler is not run again.
    const file = join(root, "@seccomp-cache", entry!);
    const marked = readFileSync(file);
    marked.writeUInt32LE(0x5, marked.length - 4); // last instruction's k
    writeFileSync(file, marked);
    const again = compileSeccompCached(spec, root);
    expect(again.program.readUInt32LE(again.program.length - 4)).toBe(0x5);
    expect(again.flags).toBe(first.flags);
    const other = { ...(spec as object), defaultErrnoRet: 1 } as never;
    compileSeccompCached(other, root);
    expect(readdirSync(join(root, "@seccomp-cache")).length).toBe(2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a program from the cache is kept as a hard link to the cache file (no copy), and reads back", () => {
  const root = mkdtempSync(join(tmpdir(), "nsbox-seccomp-root-"));
  try {
    const spec = defaultSpec().linux!.seccomp as never;
    const compiled = compileSeccompCached(spec, root);
    expect(compiled.cacheFile).toBeDefined();
    saveSeccomp(dir, compiled);
    const saved = statSync(join(dir, "seccomp.bpf"));
    expect(saved.ino).toBe(statSync(compiled.cacheFile!).ino);
    expect(saved.nlink).toBe(2);
    const back = loadSeccomp(dir)!;
    expect({ flags: back.flags, same: Buffer.compare(back.program, compiled.program) === 0 }).toEqual({ flags: compiled.flags, same: true });
    // the cache pruned: the container keeps its program
    rmSync(join(root, "@seccomp-cache"), { recursive: true });
    expect(Buffer.compare(loadSeccomp(dir)!.program, compiled.program)).toBe(0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a file an older build wrote (4-byte head, no notify byte) still loads", () => {
  const { program } = compileSeccomp(defaultSpec().linux!.seccomp as never, "x64");
  const head = Buffer.alloc(4);
  head.writeUInt32LE(0x2);
  writeFileSync(join(dir, "seccomp.bpf"), Buffer.concat([head, program]));
  const back = loadSeccomp(dir)!;
  expect({ flags: back.flags, same: Buffer.compare(back.program, program) === 0 }).toEqual({ flags: 0x2, same: true });
});
