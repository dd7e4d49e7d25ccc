// `nsbox --help` lists every command with its summary, from a static table (no command module is
// imported for it); the table must say what each module's own `summary` says.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SUMMARIES } from "../../src/cli/summaries.ts";
import { NSBOX } from "../helpers/cli.ts";

const cliDir = join(import.meta.dir, "../../src/cli");
const registered = [...readFileSync(join(cliDir, "main.ts"), "utf8").matchAll(/^\s+"?([\w-]+)"?: \(\) => import\("\.\/commands\/([\w-]+)\.ts"\)/gm)];

test("every registered command has the summary its module exports", async () => {
  expect(registered.length).toBeGreaterThan(30);
  for (const [, name, file] of registered) {
    const mod = await import(join(cliDir, "commands", `${file}.ts`));
    expect([name, SUMMARIES[name!]]).toEqual([name, mod.summary]);
  }
  expect(Object.keys(SUMMARIES).sort()).toEqual(registered.map((r) => r[1]!).sort());
});

test("nsbox --help: '  NAME   SUMMARY' lines, exit 0", () => {
  const p = Bun.spawnSync([...NSBOX, "--help"], { stdout: "pipe", stderr: "pipe" });
  expect(p.exitCode).toBe(0);
  const out = p.stdout.toString();
  expect(out).toMatch(/^ {2}run +Create and run a new container from an image$/m);
  expect(out).toMatch(/^ {2}ps +List containers$/m);
  for (const [, name] of registered) expect(out).toMatch(new RegExp(`^  ${name} +${SUMMARIES[name!]!.replace(/[()]/g, "\\$&")}$`, "m"));
});
