// The engine CLI's docker-compatible edges, with real containers: prune filters and confirmation,
// error lines, terminals refused off a terminal, help and global flags, load's output.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { EngineLab, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

const create = (...args: string[]) => lab.ok(["create", "--net", "none", ...args, "busybox", "true"]);
const names = () => lab.ok(["ps", "-a", "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort();

test("container prune --filter: label=K=V, label!=K, until=TIMESTAMP select what goes; running ones stay", async () => {
  create("--name", "p-no", "--label", "keep=no");
  create("--name", "p-yes", "--label", "keep=yes");
  create("--name", "p-none");
  lab.ok(["run", "-d", "--name", "p-up", "--net", "none", "--label", "keep=no", "busybox", "sleep", "30"]);
  let r = lab.nsbox(["container", "prune", "-f", "--filter", "label=keep=no"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
  expect(names()).toEqual(["p-none", "p-up", "p-yes"]);
  expect(lab.ok(["container", "prune", "-f", "--filter", "label!=keep"])).toContain("Deleted Containers:");
  expect(names()).toEqual(["p-up", "p-yes"]);

  await Bun.sleep(20);
  const until = (Date.now() / 1000).toFixed(3); // unix seconds: p-yes was created before, p-new after
  await Bun.sleep(20);
  create("--name", "p-new");
  lab.ok(["container", "prune", "-f", "--filter", `until=${until}`]);
  expect(names()).toEqual(["p-new", "p-up"]);

  r = lab.nsbox(["container", "prune", "-f", "--filter", "name=p-new"]);
  expect([r.code, r.stderr]).toEqual([125, "nsbox: invalid filter 'name'\n"]);
  expect(names()).toEqual(["p-new", "p-up"]);
  lab.ok(["rm", "-f", "p-new", "p-up"]);
}, 20000);

test("prune without -f asks as docker does; only y/Y proceeds, EOF cancels with exit 0", () => {
  create("--name", "ask");
  const prompt = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ";
  for (const stdin of ["", "n\n", "yes\n"]) {
    const r = lab.nsbox(["container", "prune"], { stdin });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, prompt, ""]);
    expect(names()).toEqual(["ask"]);
  }
  const r = lab.nsbox(["container", "prune"], { stdin: " Y \n" });
  expect(r.code).toBe(0);
  expect(r.stdout).toStartWith(`${prompt}Deleted Containers:\n`);
  expect(names()).toEqual([]);

  const img = lab.nsbox(["image", "prune", "-a"], { stdin: "" });
  expect([img.code, img.stdout]).toEqual([0, "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] "]);
  expect(lab.ok(["images", "-q"])).not.toBe("");
  const dangling = lab.nsbox(["image", "prune"], { stdin: "" });
  expect(dangling.stdout).toBe("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
  // --filter keeps every image but the ones it selects: busybox has no label "nosuch".
  expect(lab.ok(["image", "prune", "-a", "-f", "--filter", "label=nosuch"])).toBe("Total reclaimed space: 0B");
  expect(lab.ok(["images", "-q"])).not.toBe("");
}, 20000);

test("network prune: asks, and takes label filters", () => {
  lab.ok(["network", "create", "--label", "keep=1", "n-keep"]);
  lab.ok(["network", "create", "n-spare"]);
  const nets = () => lab.ok(["network", "ls", "--format", "{{.Name}}"]).split("\n").filter((n) => n.startsWith("n-")).sort();
  const r = lab.nsbox(["network", "prune"], { stdin: "" });
  expect([r.code, r.stdout]).toEqual([0, "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] "]);
  expect(nets()).toEqual(["n-keep", "n-spare"]);
  expect(lab.ok(["network", "prune", "-f", "--filter", "label!=keep"])).toBe("Deleted Networks:\nn-spare");
  expect(nets()).toEqual(["n-keep"]);
  lab.ok(["network", "rm", "n-keep"]);
}, 20000);

test("errors are one line, 'nsbox: MESSAGE', with no second prefix", () => {
  const cases: [string[], number, string][] = [
    [["network", "rm", "nosuch"], 1, "nsbox: network nosuch not found\n"],
    [["network", "inspect", "nosuch"], 1, "nsbox: network nosuch not found\n"],
    [["inspect", "nosuch"], 1, "nsbox: No such object: nosuch\n"],
    [["image", "inspect", "nosuch"], 1, "nsbox: No such image: nosuch\n"],
    [["rm", "nosuch"], 1, "nsbox: No such container: nosuch\n"],
  ];
  for (const [args, code, stderr] of cases) {
    const r = lab.nsbox(args);
    expect([args, r.code, r.stderr]).toEqual([args, code, stderr]);
  }
});

test("load prints the archive's tags only, not the other names the image has here", () => {
  lab.ok(["tag", "busybox", "bb:extra"]);
  const r = lab.nsbox(["load", "-i", `${import.meta.dir}/../../build/images/busybox.tar`]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("Loaded image: busybox:latest\n");
  lab.ok(["rmi", "bb:extra"]);
});

test("--root before the command is the global flag (as podman's); other flags there are named as such", () => {
  const other = `${lab.root}-other`; // an empty root: $NSBOX_ROOT is overridden by the global flag
  const env = { ...lab.env, NSBOX_ROOT: other };
  const cli = (args: string[]) => {
    const p = Bun.spawnSync([...NSBOX, ...args], { env, stdout: "pipe", stderr: "pipe" });
    return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };
  create("--name", "global-root");
  expect(cli(["--root", lab.root, "ps", "-a", "--format", "{{.Names}}"]).stdout).toBe("global-root\n");
  expect(cli([`--root=${lab.root}`, "run", "--rm", "--net", "none", "busybox", "echo", "hi"])).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
  expect(names()).toEqual(["global-root"]);
  expect(cli(["--debug", "ps"])).toMatchObject({ code: 125, stderr: expect.stringMatching(/^nsbox: unknown flag: --debug \(the only global flag is --root DIR/) });
  expect(cli(["--root"])).toMatchObject({ code: 125, stderr: "nsbox: flag needs an argument: --root\n" });
  expect(existsSync(other)).toBe(false);
  lab.ok(["rm", "global-root"]);
}, 15000);

test("--env-file as docker reads it: literal values, bare names from our environment, -e after the files; run and exec; errors are one line, exit 125, no container", () => {
  const dir = mkdtempSync("/tmp/nsbox-env-file-it-");
  try {
    writeFileSync(`${dir}/a.env`, `# comment\n\n  QUOTED="kept"\r\nSPACED=a  b  \nPASSED\nNOT_SET_ANYWHERE_XYZ\nOVER=file\n`);
    const env = { ...lab.env, PASSED: "from-nsbox" };
    const run = (args: string[]) => Bun.spawnSync([...NSBOX, ...args], { env, stdout: "pipe", stderr: "pipe" });
    const out = run(["run", "--rm", "--net", "none", "--env-file", `${dir}/a.env`, "-e", "OVER=flag", "busybox", "env"]);
    expect(out.exitCode).toBe(0);
    const vars = out.stdout.toString().split("\n");
    expect(vars).toEqual(expect.arrayContaining(['QUOTED="kept"', "SPACED=a  b  ", "PASSED=from-nsbox", "OVER=flag"]));
    expect(vars.filter((l) => /^(OVER|NOT_SET_ANYWHERE_XYZ)=/.test(l))).toEqual(["OVER=flag"]);
    lab.ok(["run", "-d", "--name", "envfile-exec", "--net", "none", "busybox", "sleep", "30"]);
    const ex = run(["exec", "--env-file", `${dir}/a.env`, "envfile-exec", "sh", "-c", 'printf "%s|" "$QUOTED" "$SPACED" "$PASSED"']);
    expect([ex.exitCode, ex.stdout.toString()]).toEqual([0, '"kept"|a  b  |from-nsbox|']);
    lab.ok(["rm", "-f", "envfile-exec"]);
    writeFileSync(`${dir}/bad.env`, "GOOD=1\nA B=2\n");
    const before = names();
    for (const [file, line] of [[`${dir}/missing.env`, `open ${dir}/missing.env: no such file or directory`], [`${dir}/bad.env`, "poorly formatted environment: variable 'A B' contains whitespaces"]]) {
      const r = lab.nsbox(["run", "--name", "envfile-bad", "--net", "none", "--env-file", file!, "busybox", "true"]);
      expect([r.code, r.stdout, r.stderr]).toEqual([125, "", `nsbox: ${line}\n`]);
    }
    expect(names()).toEqual(before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
