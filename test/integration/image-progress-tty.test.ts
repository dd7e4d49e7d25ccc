// pull's and load's progress as a user sees it: through a real pseudo-terminal (util-linux
// `script`), per-layer bars redrawn in place (cursor-up + erase-line sequences); without a terminal,
// plain lines with no escape sequences. The redis test image has two layers (1 MB and 7 MB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { describeWithTools, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";
import { tempDir } from "./image-fixtures.ts";

const top = `${import.meta.dir}/../..`;
const d = describeWithTools("image-progress-tty", ["docker-registry", "skopeo", "script", "tar"]);

const base = tempDir("progress");
const archive = `${base}/redis-oci.tar`;
let reg: TestRegistry;
let n = 0;
const ESC = "\x1b";

/** Runs nsbox ARGS on a pty (`script`); returns everything written to the terminal. */
function onTerminal(args: string[]): { code: number; bytes: string } {
  const env = { ...process.env, NSBOX_ROOT: `${base}/root${++n}`, NSBOX_REGISTRIES: `${base}/none.json` };
  const cmd = [`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, ...args].join(" ");
  const p = Bun.spawnSync(["script", "-qec", cmd, "/dev/null"], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, bytes: p.stdout.toString() };
}

function plain(args: string[]) {
  const p = Bun.spawnSync([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, ...args], { env: { ...process.env, NSBOX_ROOT: `${base}/root${++n}`, NSBOX_REGISTRIES: `${base}/none.json` }, stdin: "ignore" });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

/** Every "<id>: <state> [bar] x/y" line drawn, in order. */
const bars = (bytes: string, state: string) => [...bytes.matchAll(new RegExp(`${ESC}\\[2K([0-9a-f]{12}): ${state} \\[([=> ]{30})\\] (\\S+)/(\\S+)\\r?\\n`, "g"))];

d("progress on a terminal", () => {
  beforeAll(async () => {
    Bun.spawnSync(["tar", "-C", `${top}/build/images/redis`, "-cf", archive, "."]);
    reg = await startRegistry();
    await skopeoCopy(`oci:${top}/build/images/redis:latest`, `docker://${reg.host}/redis:latest`);
  }, 60_000);
  afterAll(() => {
    reg?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  for (const cmd of ["load", "pull"] as const) {
    test(`${cmd}: a bar per layer, redrawn in place, part-way then full`, () => {
      const state = cmd === "load" ? "Loading layer" : "Downloading";
      const r = onTerminal(cmd === "load" ? ["load", "-i", archive] : ["pull", `${reg.host}/redis`]);
      expect(r.code).toBe(0);
      expect(r.bytes).toContain(cmd === "load" ? "Loaded image: redis:latest" : `Status: Downloaded newer image for ${reg.host}/redis:latest`);
      const drawn = bars(r.bytes, state);
      const layers = new Set(drawn.map((m) => m[1]));
      expect(layers.size).toBe(2);
      for (const id of layers) {
        const mine = drawn.filter((m) => m[1] === id);
        expect(mine.length).toBeGreaterThan(1); // redrawn…
        expect(mine.at(-1)![2]).toBe(`${"=".repeat(29)}>`); // …ending full
        expect(mine.at(-1)![3]).toBe(mine.at(-1)![4]);
      }
      // Bars part-way were drawn too (load draws each layer at 0 B first; pull at its first chunk).
      expect(drawn.some((m) => m[3] !== m[4] && m[2] !== `${"=".repeat(29)}>`)).toBe(true);
      if (cmd === "load") for (const id of layers) expect(drawn.find((m) => m[1] === id)![3]).toBe("0B");
      // Redraws move the cursor back up over the previous block (one line per layer so far).
      expect(r.bytes).toMatch(new RegExp(`${ESC}\\[1A`));
      expect(r.bytes).toMatch(new RegExp(`${ESC}\\[2A`));
      if (cmd === "pull") expect(r.bytes).toMatch(/[0-9a-f]{12}: Pull complete/);
    });
  }

  test("without a terminal: plain lines, no escape sequences, no bars", () => {
    const load = plain(["load", "-i", archive]);
    expect(load.code).toBe(0);
    expect(load.out).toBe("Loaded image: redis:latest\n");
    expect(load.err).toMatch(/^([0-9a-f]{12}: Loading layer\n){2}$/);
    const pull = plain(["pull", `${reg.host}/redis`]);
    expect(pull.code).toBe(0);
    expect(pull.out).not.toContain(ESC);
    expect(pull.out).not.toContain("[");
    expect(pull.out.split("\n").filter((l) => / Pull complete$/.test(l))).toHaveLength(2);
  });
});
