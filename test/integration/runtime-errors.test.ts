// Bad input to nsbox-runtime: each case exits non-zero with one clear stderr line starting with
// "nsbox-runtime: ", and leaves nothing behind (no state dir, no cgroup, no mount, no process).
// Root only; each test has its own --root and bundle in a temp dir.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRun, cgroupDirs, oneErrorLine, Sandbox, testSpec } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** `create` must fail with one line matching `pattern` and leave nothing behind. */
function createFails(bundle: string, pattern: RegExp, verb: "create" | "run" = "create"): string {
  const id = sb.id();
  const r = sb.rt([verb, "--bundle", bundle, id]);
  const line = oneErrorLine(r);
  expect(line).toMatch(pattern);
  expect(sb.leftovers()).toEqual([]);
  expect(containerDirs()).toEqual([]);
  return line;
}

/** Directories under --root, without the runtime's own caches ("@..." names, never an id). */
const containerDirs = () => (existsSync(sb.root) ? readdirSync(sb.root).filter((n) => !n.startsWith("@")) : []);

const config = (edit: (c: Record<string, any>) => void) => {
  const c = JSON.parse(JSON.stringify(testSpec(["true"])));
  edit(c);
  return JSON.stringify(c);
};

describe.skipIf(!canRun)("invalid config.json", () => {
  test("missing process", () => {
    const bundle = sb.bundle(config((c) => delete c.process));
    createFails(bundle, /^nsbox-runtime: .*config\.json: process: is required/);
    createFails(bundle, /^nsbox-runtime: .*config\.json: process: is required/, "run");
  });

  test("unknown namespace type names the field", () => {
    const bundle = sb.bundle(config((c) => c.linux.namespaces.push({ type: "bogus" })));
    createFails(bundle, /^nsbox-runtime: .*config\.json: linux\.namespaces\[6\]\.type: unknown namespace type "bogus"/);
  });

  test("a root.path that does not exist", () => {
    const bundle = sb.bundle(config((c) => (c.root.path = "no-such-rootfs")));
    createFails(bundle, /^nsbox-runtime: create .*root\.path: .*no-such-rootfs does not exist$/);
  });

  test("not JSON at all, and no config.json", () => {
    createFails(sb.bundle("{ not json"), /^nsbox-runtime: .*config\.json: invalid JSON/);
    const empty = join(sb.dir, "empty");
    Bun.spawnSync(["mkdir", empty]);
    createFails(empty, /^nsbox-runtime: create .*no config\.json in bundle/);
  });

  test("a relative cwd, a bad env entry, empty args", () => {
    createFails(sb.bundle(config((c) => (c.process.cwd = "tmp"))), /process\.cwd: must be an absolute path/);
    createFails(sb.bundle(config((c) => c.process.env.push("NOEQUALS"))), /process\.env\[2\]: "NOEQUALS" is not KEY=VALUE/);
    createFails(sb.bundle(config((c) => (c.process.args = []))), /process\.args: must be a non-empty array/);
  });

  test("a global sysctl is refused before anything runs; the host's value is unchanged", async () => {
    const before = await Bun.file("/proc/sys/vm/swappiness").text();
    const other = before.trim() === "10" ? "11" : "10";
    const bundle = sb.bundle(config((c) => (c.linux.sysctl = { "vm.swappiness": other })));
    createFails(bundle, /^nsbox-runtime: .*config\.json: linux\.sysctl\.vm\.swappiness: .*would change the host$/, "run");
    expect(await Bun.file("/proc/sys/vm/swappiness").text()).toBe(before);
  });

  test("launcher failures are one line naming the step, the path and the errno", () => {
    const cases: [(c: Record<string, any>) => void, RegExp][] = [
      [(c) => c.mounts.push({ destination: "/x", type: "nosuchfs", source: "none" }), /^nsbox-runtime: create \S+: mount nosuchfs on \/x: No such device$/],
      [(c) => (c.linux.sysctl = { "net.ipv4.nosuch": "1" }), /^nsbox-runtime: create \S+: sysctl \/proc\/sys\/net\/ipv4\/nosuch: No such file or directory$/],
      [(c) => (c.process.cwd = "/no/such/dir"), /^nsbox-runtime: create \S+: chdir to cwd \/no\/such\/dir: No such file or directory$/],
      [(c) => (c.process.rlimits = [{ type: "RLIMIT_NOFILE", soft: 10, hard: 5 }]), /^nsbox-runtime: create \S+: setrlimit .*: Invalid argument$/],
      [(c) => c.linux.namespaces.push({ type: "time", path: "/no/such/ns" }), /^nsbox-runtime: create \S+: open namespace \/no\/such\/ns: No such file or directory$/],
    ];
    for (const [edit, want] of cases) createFails(sb.bundle(config(edit)), want);
  });

  test("a program that does not exist fails at create (as runc), exit 127", () => {
    const bundle = sb.bundle(config((c) => (c.process.args = ["/no/such/binary"])));
    const id = sb.id();
    const r = sb.rt(["create", "--bundle", bundle, id]);
    expect(oneErrorLine(r)).toMatch(/^nsbox-runtime: create .*\/no\/such\/binary/);
    expect(r.code).toBe(127);
    expect(sb.leftovers()).toEqual([]);
  });
});

describe.skipIf(!canRun)("cgroups made while the launcher makes the namespaces", () => {
  // create sends the plan first and makes the cgroups while the launcher's stage 1 makes the
  // namespaces, which then waits for them (PA_CGROUP_WAIT): a cgroup the kernel refuses must
  // still be one line, with no launcher stage, state, cgroup or mount left.
  for (const verb of ["create", "run"] as const) {
    test(`a cpuset the kernel refuses (${verb})`, () => {
      const bundle = sb.bundle(config((c) => (c.linux.resources = { cpu: { cpus: "4096" } })));
      createFails(bundle, /^nsbox-runtime: (create|run) .*cpuset\.cpus/, verb);
    });
  }
});

describe.skipIf(!canRun)("an installation without its launcher", () => {
  test("one line naming the missing file and how it is built; no state, no cgroup", () => {
    const id = sb.id();
    const r = sb.rt(["run", "--bundle", sb.bundle(config(() => {})), id], { env: { NSBOX_LAUNCHER: "/nonexistent/nsbox-launcher" } });
    expect(r.code).toBe(1);
    expect(oneErrorLine(r)).toBe(`nsbox-runtime: create ${id}: start the launcher /nonexistent/nsbox-launcher (built by scripts/setup.sh): No such file or directory`);
    expect(sb.leftovers()).toEqual([]);
    expect(containerDirs()).toEqual([]);
  });
});

describe.skipIf(!canRun)("mount destinations that escape the rootfs", () => {
  test('via ".." in the destination: refused by the compiler, naming the field', () => {
    const bundle = sb.bundle(config((c) => c.mounts.push({ destination: "/../../../escape", type: "tmpfs", source: "tmpfs" })));
    createFails(bundle, /^nsbox-runtime: .*config\.json: mounts\[7\]\.destination: "\/\.\.\/\.\.\/\.\.\/escape" escapes the container's root/);
  });

  test("via a symlink inside the rootfs: refused, nothing created outside", () => {
    const outside = join(sb.dir, "outside");
    const bundle = sb.bundle(config((c) => c.mounts.push({ destination: "/evil/y", type: "tmpfs", source: "tmpfs" })));
    // rootfs/evil -> ../../../../../../<sandbox>/outside : climbs out of the rootfs by "..".
    const up = "../".repeat(12);
    symlinkSync(`${up}${outside.slice(1)}`, join(bundle, "rootfs/evil"));
    const line = createFails(bundle, /^nsbox-runtime: create .*\/evil\/y.*escapes the container's rootfs/);
    expect(line).not.toMatch(/\n/);
    expect(existsSync(outside)).toBe(false);
    // (leftovers() also found no mount under the sandbox dir, where "outside" is.)
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(outside);
  });

  test("an absolute symlink is resolved inside the rootfs, never on the host", () => {
    const outside = join(sb.dir, "host-target");
    const bundle = sb.bundle(testSpec(["sh", "-c", "grep -c ' /abs ' /proc/self/mounts; ls -d /abs"], (s) => {
      s.mounts!.push({ destination: "/abs", type: "tmpfs", source: "tmpfs" });
    }));
    symlinkSync(outside, join(bundle, "rootfs/abs")); // /tmp/nsbox-rt-X/host-target, read in the rootfs
    const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(bundle, "rootfs", outside))).toBe(true); // created under the rootfs instead
    expect(r.code).toBe(0);
  });

  test("a bind mount whose source does not exist", () => {
    const bundle = sb.bundle(config((c) => c.mounts.push({ destination: "/data", type: "bind", source: "/no/such/dir", options: ["rbind"] })));
    createFails(bundle, /^nsbox-runtime: create .*\/no\/such\/dir.*No such file or directory/);
  });
});

describe.skipIf(!canRun)("wrong state for the operation", () => {
  test("a duplicate container id is refused; the first container is untouched", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    const before = sb.state(id);
    const r = sb.rt(["create", "--bundle", bundle, id]);
    expect(oneErrorLine(r)).toMatch(new RegExp(`^nsbox-runtime: .*"${id}" already exists`));
    expect(sb.state(id)).toEqual(before);
    expect(containerDirs()).toEqual([id]);
  });

  test("start of a running container", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    expect(oneErrorLine(sb.rt(["start", id]))).toBe(`nsbox-runtime: start ${id}: cannot start a container that is running`);
    expect(sb.state(id).status).toBe("running");
  });

  test("start of a stopped container", async () => {
    const bundle = sb.bundle(testSpec(["true"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await sb.waitStatus(id, "stopped");
    expect(oneErrorLine(sb.rt(["start", id]))).toBe(`nsbox-runtime: start ${id}: cannot start a container that is stopped`);
  });

  test("delete of a running container without --force", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    const pid = sb.state(id).pid;
    expect(oneErrorLine(sb.rt(["delete", id]))).toBe(`nsbox-runtime: delete ${id}: cannot delete container that is not stopped: running`);
    expect(sb.state(id)).toMatchObject({ status: "running", pid });
  });

  test("a --pid-file that cannot be written fails create and exec with one line, leaving nothing", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const bad = join(sb.dir, "no-such-dir", "pid");
    const id = sb.id();
    expect(oneErrorLine(sb.rt(["create", "--pid-file", bad, "--bundle", bundle, id]))).toBe(
      `nsbox-runtime: create ${id}: --pid-file ${bad}: open ${bad}.tmp: no such file or directory`,
    );
    expect(sb.leftovers()).toEqual([]);
    const id2 = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id2]).code).toBe(0);
    expect(oneErrorLine(sb.rt(["exec", "-d", "--pid-file", bad, id2, "sleep", "30"]))).toMatch(/^nsbox-runtime: exec .*--pid-file/);
    expect(sb.rt(["ps", "--format", "json", id2]).stdout.trim()).toBe(`[${sb.state(id2).pid}]`); // the exec'd sleep was killed
  });

  /** A `create` held by its createRuntime hook, after the cgroup is made and the launcher joined it. */
  async function createHeldByHook() {
    const hookPid = join(sb.dir, "hook.pid");
    const bundle = sb.bundle(testSpec(["true"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", `echo $$ > ${hookPid}; exec sleep 30`] }] };
    }));
    const id = sb.id();
    const cli = sb.spawn(["create", "--bundle", bundle, id]);
    for (let i = 0; i < 500 && !existsSync(hookPid); i++) await Bun.sleep(10);
    return { id, cli, hookPid };
  }

  test("delete cleans up after a create that died half-way: no state file, but its cgroup and process", async () => {
    const { id, cli, hookPid } = await createHeldByHook();
    expect(cgroupDirs(id).length).toBeGreaterThan(0);
    cli.kill("SIGKILL"); // the create dies here
    await cli.exited;
    process.kill(Number(readFileSync(hookPid, "utf8")), "SIGKILL");
    expect(existsSync(join(sb.root, id, "state.json"))).toBe(false);
    const r = sb.rt(["delete", id]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(sb.leftovers()).toEqual([]);
  });

  test("delete of a container still being created is refused; a failing createRuntime hook leaves nothing", async () => {
    const { id, cli, hookPid } = await createHeldByHook();
    expect(oneErrorLine(sb.rt(["delete", id]))).toBe(`nsbox-runtime: delete ${id}: the container is being created`);
    process.kill(Number(readFileSync(hookPid, "utf8")), "SIGKILL"); // the hook fails: create must undo itself
    expect(await cli.exited).not.toBe(0);
    const stderr = (await new Response(cli.stderr).text()).trim().split("\n");
    expect(stderr.length).toBe(1);
    expect(stderr[0]).toMatch(new RegExp(`^nsbox-runtime: create ${id}: .*createRuntime`));
    expect(sb.leftovers()).toEqual([]);
  });

  test("operations on a container that does not exist", () => {
    for (const args of [["start", "nope"], ["state", "nope"], ["kill", "nope"], ["delete", "nope"], ["exec", "nope", "true"], ["ps", "nope"]]) {
      expect(oneErrorLine(sb.rt(args))).toMatch(/^nsbox-runtime: .*"nope" does not exist$/);
    }
    expect(sb.rt(["delete", "--force", "nope"]).code).toBe(0); // runc: --force ignores a missing container
  });

  test("invalid ids and bad usage", () => {
    const bundle = sb.bundle(testSpec(["true"]));
    expect(oneErrorLine(sb.rt(["create", "--bundle", bundle, "../evil"]))).toMatch(/^nsbox-runtime: .*invalid container id/);
    expect(oneErrorLine(sb.rt(["create", "--bundle", bundle]))).toMatch(/^nsbox-runtime: create: /);
    expect(oneErrorLine(sb.rt(["frobnicate"]))).toMatch(/^nsbox-runtime: unknown command "frobnicate"/);
    expect(oneErrorLine(sb.rt(["create", "--no-such-flag", "x"]))).toMatch(/^nsbox-runtime: /);
    expect(existsSync(join(sb.dir, "evil"))).toBe(false);
  });
});

describe.skipIf(!canRun)("--log", () => {
  test("--log FILE --log-format json writes the error as one JSON line", () => {
    const log = join(sb.dir, "runtime.log");
    const r = sb.rt(["--log", log, "--log-format", "json", "state", "nope"]);
    const line = oneErrorLine(r);
    const entries = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const errors = entries.filter((e) => e.level === "error");
    expect(errors.length).toBe(1);
    expect(errors[0].msg).toBe(line.slice("nsbox-runtime: ".length));
    expect(Number.isNaN(Date.parse(errors[0].time))).toBe(false);
  });

  test("--log FILE in text format", () => {
    const log = join(sb.dir, "runtime.log");
    oneErrorLine(sb.rt(["--log", log, "state", "nope"]));
    expect(readFileSync(log, "utf8")).toMatch(/level=error msg=".*\\?"nope\\?" does not exist"/);
  });

  test("an unknown --log-format is refused", () => {
    expect(oneErrorLine(sb.rt(["--log-format", "xml", "list"]))).toMatch(/^nsbox-runtime: .*log-format.*xml/);
  });
});
