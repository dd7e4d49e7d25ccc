// The compiled executables setup builds (bin/nsbox, bin/nsbox-runtime): version, help and an
// unknown command, as docker and runc answer them. Run from bin/, so this also checks that the
// compiled chunks (setup builds with --splitting) load.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { top } from "../helpers/cli.ts";

const version = JSON.parse(readFileSync(join(top, "package.json"), "utf8")).version as string;

function bin(name: string, args: string[]) {
  const r = Bun.spawnSync([join(top, "bin", name), ...args]);
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("bin/nsbox", () => {
  test("--version and -v print the package version", () => {
    for (const flag of ["--version", "-v"]) expect(bin("nsbox", [flag])).toEqual({ code: 0, stdout: `nsbox version ${version}\n`, stderr: "" });
  });
  test("--help lists the commands; no command is a usage error", () => {
    const help = bin("nsbox", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^  unshare +Run a program with some namespaces unshared/m);
    expect(bin("nsbox", []).code).toBe(1);
  });
  test("an unknown command: one line, exit 125", () => {
    expect(bin("nsbox", ["frobnicate"])).toEqual({ code: 125, stdout: "", stderr: "nsbox: 'frobnicate' is not a nsbox command. See 'nsbox --help'\n" });
  });
});

describe("error lines on a terminal", () => {
  // Bun's console.error paints red on a tty; docker's and runc's error lines are plain.
  test("are plain text, no colour escapes", () => {
    for (const [name, args] of [["nsbox", "frobnicate"], ["nsbox-runtime", "state nosuch"]] as const) {
      const r = Bun.spawnSync(["script", "-qc", `${join(top, "bin", name)} ${args}`, "/dev/null"]);
      const out = r.stdout.toString();
      expect(out).toStartWith(`${name}: `);
      expect(out).not.toContain("\x1b[");
    }
  });
});

describe("the working directory", () => {
  // containerd and podman start the runtime in the bundle directory: a .env or bunfig.toml there
  // must not reach its environment (NSBOX_LAUNCHER would choose the binary root runs).
  test("a .env or bunfig.toml there is not read", () => {
    const dir = mkdtempSync(join(tmpdir(), "nsbox-cwd-"));
    try {
      writeFileSync(join(dir, ".env"), "NSBOX_TRACE=1\n");
      writeFileSync(join(dir, "bunfig.toml"), `preload = ["${join(dir, "pre.ts")}"]\n`);
      writeFileSync(join(dir, "pre.ts"), 'console.error("PRELOADED");\n');
      for (const [name, args] of [["nsbox-runtime", ["--root", join(dir, "state"), "list"]], ["nsbox", ["--version"]]] as const) {
        const r = Bun.spawnSync([join(top, "bin", name), ...args], { cwd: dir });
        expect(r.exitCode).toBe(0);
        expect(r.stderr.toString()).toBe("");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bin/nsbox-runtime", () => {
  test("--version names the runtime and the spec version", () => {
    const r = bin("nsbox-runtime", ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^nsbox-runtime version ${version.replaceAll(".", "\\.")}\nspec: 1\\.\\d+\\.\\d+\n$`));
  });
});
