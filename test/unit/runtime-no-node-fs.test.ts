// nsbox-runtime's verbs load no node:fs (~1 ms at its first import in a compiled binary; they
// use src/linux/fs.ts): no module they can load imports it. The walk follows static imports and
// the dynamic import()/require() of our own modules, from main.ts, leaving out the commands that
// podman and containerd do not run per container (list, ps, spec, features; pause, resume,
// update, events), which may use node:fs. In a compiled binary, NSBOX_TRACE=1 shows the same at
// run time (src/common/trace.ts, traceNodeFsAtExit).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../../src");
const NOT_PER_CONTAINER = new Set([`${SRC}/runtime/cli/info.ts`, `${SRC}/runtime/cli/cgroup-ops.ts`]);
// Its require("node:fs") is the NSBOX_TRACE probe that tells whether anything loaded node:fs.
const PROBE = "common/trace.ts";

/** Every module reachable from `entry` through relative imports, with its text. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || NOT_PER_CONTAINER.has(file)) continue;
    const text = readFileSync(file, "utf8");
    seen.set(file, text);
    for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)"(\.{1,2}\/[^"]+\.ts)"/g)) queue.push(resolve(dirname(file), m[1]!));
  }
  return seen;
}

test("no module the runtime's verbs can load imports node:fs", () => {
  const modules = reachable(`${SRC}/runtime/main.ts`);
  // The walk sees the verbs' modules (a walk that found nothing would pass vacuously).
  for (const m of ["runtime/lifecycle.ts", "runtime/operations.ts", "runtime/state.ts", "runtime/exec.ts", "linux/cgroups/apply.ts", "linux/fs.ts"]) {
    expect(modules.has(`${SRC}/${m}`)).toBe(true);
  }
  const users = [...modules].filter(([, text]) => /(from\s+|require\(\s*|import\(\s*)"(node:)?fs(\/promises)?"/.test(text)).map(([f]) => f.slice(SRC.length + 1));
  expect(users.filter((f) => f !== PROBE)).toEqual([]);
  expect(users).toEqual([PROBE]); // the probe is seen: the pattern matches a real require
});
