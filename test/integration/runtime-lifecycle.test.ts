// nsbox-runtime's OCI lifecycle on real containers: create → created → start → running → stopped
// → delete, the state document, kill by name and number, run in the foreground (exit status
// propagation) and detached, list and ps. Root only; each test has its own --root and bundle.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRun, cgroupDirs, oneErrorLine, Sandbox, testSpec } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** A shell loop that records the signal it got in /sig (in the bundle's rootfs) and exits. */
const TRAP_LOOP = (signal: string) =>
  `trap 'echo ${signal} > /sig; exit 0' ${signal}; echo ready > /ready; while :; do sleep 0.02; done`;

/** The file's content once there is some: the shell's `echo X > F` creates F before it writes. */
async function waitFile(path: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    if (text) return text;
    if (Date.now() > deadline) throw new Error(`${path} never appeared (or stayed empty)`);
    await Bun.sleep(10);
  }
}

describe.skipIf(!canRun)("lifecycle", () => {
  test("create → created → start → running → exits → stopped → delete, with the OCI state", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "read line < /in.fifo; echo $line > /out"], (s) => {
      s.annotations = { "org.example.key": "value" };
    }));
    Bun.spawnSync(["mkfifo", join(bundle, "rootfs/in.fifo")]);
    const id = sb.id();
    const pidFile = join(sb.dir, "pid");
    expect(sb.rt(["create", "--bundle", bundle, "--pid-file", pidFile, id])).toEqual({ code: 0, stdout: "", stderr: "" });

    const created = sb.state(id);
    expect(created).toMatchObject({ ociVersion: expect.stringMatching(/^1\.\d+\.\d+/), id, status: "created", bundle, annotations: { "org.example.key": "value" } });
    const pid = created.pid as number;
    expect(pid).toBeGreaterThan(1);
    expect(readFileSync(pidFile, "utf8").trim()).toBe(String(pid));
    // Created but not started: the user's program has not run yet (still the launcher).
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).not.toBe("sh");

    expect(sb.rt(["start", id])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(sb.state(id)).toMatchObject({ status: "running", pid });
    await sb.waitStatus(id, "running");
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("sh");

    // Let it finish: it reads a line from the fifo and writes it out.
    const w = Bun.spawn(["sh", "-c", `echo done > ${join(bundle, "rootfs/in.fifo")}`]);
    await w.exited;
    await sb.waitStatus(id, "stopped");
    expect(readFileSync(join(bundle, "rootfs/out"), "utf8")).toBe("done\n");
    const stopped = sb.state(id);
    expect(stopped.status).toBe("stopped");
    expect(cgroupDirs(id).length).toBeGreaterThan(0); // kept until delete

    expect(sb.rt(["delete", id])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(join(sb.root, id))).toBe(false);
    expect(cgroupDirs(id)).toEqual([]);
    const gone = sb.rt(["state", id]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toBe(`nsbox-runtime: container "${id}" does not exist\n`);
  });

  test("a created container is deleted only with --force, and never runs its program", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "touch /ran"]));
    const id = sb.id();
    expect(sb.rt(["create", "--bundle", bundle, id]).code).toBe(0);
    const pid = sb.state(id).pid as number;
    // The runtime-spec: deleting a container that is not stopped fails and changes nothing
    // (runc deletes created ones anyway); --force kills the init before it ever execs.
    const refused = sb.rt(["delete", id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toBe(`nsbox-runtime: delete ${id}: cannot delete container that is not stopped: created\n`);
    expect(sb.state(id).status).toBe("created");
    expect(sb.rt(["delete", "--force", id])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(`/proc/${pid}/stat`) && !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))).toBe(false);
    expect(existsSync(join(bundle, "rootfs/ran"))).toBe(false);
    expect(sb.leftovers()).toEqual([]);
  });

  test("kill with a signal name: the process gets that signal", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", TRAP_LOOP("USR1")]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/ready"));
    expect(sb.rt(["kill", id, "SIGUSR1"])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await waitFile(join(bundle, "rootfs/sig"))).toBe("USR1\n");
    await sb.waitStatus(id, "stopped");
    expect(sb.rt(["delete", id]).code).toBe(0);
  });

  test("kill with a short name and with a number", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", TRAP_LOOP("TERM")]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/ready"));
    expect(sb.rt(["kill", id, "TERM"]).code).toBe(0);
    expect(await waitFile(join(bundle, "rootfs/sig"))).toBe("TERM\n");
    await sb.waitStatus(id, "stopped");

    const bundle2 = sb.bundle(testSpec(["sh", "-c", TRAP_LOOP("USR2")]));
    const id2 = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle2, id2]).code).toBe(0);
    await waitFile(join(bundle2, "rootfs/ready"));
    expect(sb.rt(["kill", id2, "12"]).code).toBe(0); // SIGUSR2
    expect(await waitFile(join(bundle2, "rootfs/sig"))).toBe("USR2\n");
    await sb.waitStatus(id2, "stopped");
  });

  test("kill without a signal sends SIGTERM; kill 9 stops a process that ignores it", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "trap '' TERM; echo ready > /ready; while :; do sleep 0.02; done"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/ready"));
    expect(sb.rt(["kill", id]).code).toBe(0);
    await Bun.sleep(100);
    expect(sb.state(id).status).toBe("running");
    expect(sb.rt(["kill", id, "9"]).code).toBe(0);
    await sb.waitStatus(id, "stopped");
    const again = sb.rt(["kill", id, "KILL"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^nsbox-runtime: kill .*not running\n$/);
  });

  test("kill --all signals every process in the container's cgroup, kill only the init", async () => {
    // The init handles USR1 (and lives on); its sleeps have the default action (they die).
    const bundle = sb.bundle(testSpec(["sh", "-c", "trap 'echo usr1 >> /log' USR1; sleep 30 & sleep 30 & echo ready > /ready; while :; do wait; done"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/ready"));
    const init = sb.state(id).pid as number;
    const pids = () => JSON.parse(sb.rt(["ps", "--format", "json", id]).stdout) as number[];
    expect(pids().length).toBe(3);
    expect(sb.rt(["kill", id, "USR1"]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/log"));
    expect(pids().length).toBe(3);
    expect(sb.rt(["kill", "--all", id, "USR1"]).code).toBe(0);
    for (let i = 0; i < 100 && pids().length > 1; i++) await Bun.sleep(20);
    expect(pids()).toEqual([init]);
    expect(sb.state(id).status).toBe("running");
  });

  test("an invalid signal is refused with one line", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    for (const sig of ["SIGNOPE", "0", "65"]) {
      const r = sb.rt(["kill", id, sig]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^nsbox-runtime: .*signal[^\n]*\n$/);
    }
    expect(sb.state(id).status).toBe("running");
  });
});

describe.skipIf(!canRun)("run", () => {
  test("foreground: stdout/stderr pass through and the exit code propagates", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo out; echo err >&2; exit 3"]));
    const id = sb.id();
    expect(sb.rt(["run", "--bundle", bundle, id])).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
    // run deletes the container it made
    expect(existsSync(join(sb.root, id))).toBe(false);
    expect(cgroupDirs(id)).toEqual([]);
  });

  test("foreground: stdin reaches the process", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "read a; echo got:$a"]));
    expect(sb.rt(["run", "--bundle", bundle, sb.id()], { stdin: "hello\n" })).toEqual({ code: 0, stdout: "got:hello\n", stderr: "" });
  });

  test("foreground: a process killed by SIGKILL gives 137", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo ready > /ready; while :; do sleep 0.02; done"]));
    const id = sb.id();
    const p = sb.spawn(["run", "--bundle", bundle, id]);
    await waitFile(join(bundle, "rootfs/ready"));
    expect(sb.rt(["kill", id, "KILL"]).code).toBe(0);
    expect(await p.exited).toBe(137);
  });

  test("foreground: killed by SIGTERM (no PID namespace, so no init protection) gives 143", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo ready > /ready; while :; do sleep 0.02; done"], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "pid");
    }));
    const id = sb.id();
    const p = sb.spawn(["run", "--bundle", bundle, id]);
    await waitFile(join(bundle, "rootfs/ready"));
    expect(sb.rt(["kill", id, "15"]).code).toBe(0);
    expect(await p.exited).toBe(143);
  });

  test("foreground: SIGTERM to nsbox-runtime run is forwarded to the container, even right after start", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", TRAP_LOOP("TERM")]));
    const p = sb.spawn(["run", "--bundle", bundle, sb.id()]);
    // Signal as soon as the container runs: `run` may still be returning from start.
    const ready = join(bundle, "rootfs/ready");
    for (let i = 0; i < 5000 && !existsSync(ready); i++) await Bun.sleep(1);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0); // the trap exits 0
    expect(readFileSync(join(bundle, "rootfs/sig"), "utf8")).toBe("TERM\n");
  });

  test("foreground: SIGTERM while a poststart hook runs is forwarded too (run does not die and leave the container)", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", TRAP_LOOP("TERM")], (s) => {
      s.hooks = { poststart: [{ path: "/bin/sleep", args: ["sleep", "0.5"] }] };
    }));
    const p = sb.spawn(["run", "--bundle", bundle, sb.id()]);
    await waitFile(join(bundle, "rootfs/ready"));
    p.kill("SIGTERM"); // start is still waiting for the hook
    expect(await p.exited).toBe(0);
    expect(readFileSync(join(bundle, "rootfs/sig"), "utf8")).toBe("TERM\n");
  });

  test("--no-pivot (chroot) and --no-new-keyring still give the container its rootfs and mounts", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "ls /bin/busybox; grep -c ' /proc ' /proc/self/mounts; echo pid=$$"]));
    expect(sb.rt(["run", "--no-pivot", "--no-new-keyring", "--bundle", bundle, sb.id()])).toEqual({ code: 0, stdout: "/bin/busybox\n1\npid=1\n", stderr: "" });
  });

  test("a program that is not found exits 127 with one line", () => {
    const bundle = sb.bundle(testSpec(["no-such-program"]));
    const id = sb.id();
    const r = sb.rt(["run", "--bundle", bundle, id]);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/^nsbox-runtime: .*no-such-program.*not found[^\n]*\n$/);
    expect(sb.leftovers()).toEqual([]);
  });

  test("run -d, then kill and delete", async () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    const id = sb.id();
    const pidFile = join(sb.dir, "run.pid");
    const r = sb.rt(["run", "-d", "--bundle", bundle, "--pid-file", pidFile, id]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const st = sb.state(id);
    expect(st.status).toBe("running");
    expect(readFileSync(pidFile, "utf8")).toBe(String(st.pid));
    expect(readFileSync(`/proc/${st.pid}/comm`, "utf8").trim()).toBe("sleep");
    expect(sb.rt(["kill", id, "KILL"]).code).toBe(0);
    await sb.waitStatus(id, "stopped");
    expect(sb.rt(["delete", id]).code).toBe(0);
    expect(sb.leftovers()).toEqual([]);
  });

  test("the bundle defaults to the current directory; relative --bundle and --pid-file resolve against it", () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"]), "here");
    const a = sb.id();
    expect(sb.rt(["run", "-d", "--pid-file", "a.pid", a], { cwd: bundle }).code).toBe(0);
    expect(sb.state(a).bundle).toBe(bundle);
    expect(readFileSync(join(bundle, "a.pid"), "utf8")).toBe(String(sb.state(a).pid));
    const b = sb.id();
    expect(sb.rt(["create", "--bundle", "here", b], { cwd: sb.dir }).code).toBe(0);
    expect(sb.state(b)).toMatchObject({ bundle, status: "created" });
  });

  test("delete --force kills a running container and removes everything", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "sleep 30 & sleep 30"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    const pid = sb.state(id).pid as number;
    expect(sb.rt(["delete", "--force", id])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(`/proc/${pid}/stat`) && !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))).toBe(false);
    expect(sb.leftovers()).toEqual([]);
  });
});

describe.skipIf(!canRun)("list and ps", () => {
  test("list: table, json and -q", async () => {
    const a = sb.id("a");
    const b = sb.id("b");
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    expect(sb.rt(["run", "-d", "--bundle", bundle, a]).code).toBe(0);
    expect(sb.rt(["create", "--bundle", bundle, b]).code).toBe(0);

    expect(sb.rt(["list", "-q"]).stdout).toBe(`${a}\n${b}\n`);

    const json = JSON.parse(sb.rt(["list", "--format", "json"]).stdout) as Record<string, unknown>[];
    expect(json.map((c) => [c.id, c.status, c.bundle])).toEqual([[a, "running", bundle], [b, "created", bundle]]);
    expect(json[0]!.pid).toBe(sb.state(a).pid);

    const table = sb.rt(["list"]).stdout.trim().split("\n").map((l) => l.split(/\s{2,}/));
    expect(table[0]!.slice(0, 4)).toEqual(["ID", "PID", "STATUS", "BUNDLE"]);
    expect(table.slice(1).map((r) => [r[0], r[2], r[3]])).toEqual([[a, "running", bundle], [b, "created", bundle]]);

    expect(sb.rt(["kill", a, "KILL"]).code).toBe(0);
    await sb.waitStatus(a, "stopped");
    const after = JSON.parse(sb.rt(["list", "--format", "json"]).stdout) as Record<string, unknown>[];
    expect(after[0]).toMatchObject({ id: a, status: "stopped", pid: 0 });
  });

  test("list with an empty or missing root prints only the header", () => {
    expect(sb.rt(["list", "-q"])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(sb.rt(["list", "--format", "json"]).stdout.trim()).toBe("[]");
    expect(sb.rt(["list"]).stdout.trim().split(/\s+/).slice(0, 3)).toEqual(["ID", "PID", "STATUS"]);
  });

  test("list skips a container whose state file is corrupt, with a warning; a bad --format is refused", () => {
    const good = sb.id("good");
    const bad = sb.id("bad");
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    expect(sb.rt(["run", "-d", "--bundle", bundle, good]).code).toBe(0);
    mkdirSync(join(sb.root, bad));
    writeFileSync(join(sb.root, bad, "state.json"), "{ torn");
    const r = sb.rt(["list", "-q"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${good}\n`);
    expect(r.stderr).toMatch(new RegExp(`^nsbox-runtime: warning: list: .*${bad}.*corrupt[^\n]*\n$`));
    expect(oneErrorLine(sb.rt(["delete", bad]))).toMatch(/corrupt/);
    // --force removes the state directory, so the id can be used again
    const forced = sb.rt(["delete", "--force", bad]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^nsbox-runtime: warning: delete .*state directory only\n$/);
    expect(existsSync(join(sb.root, bad))).toBe(false);
    expect(oneErrorLine(sb.rt(["list", "-q", "--format", "xml"]))).toBe('nsbox-runtime: list: --format "xml" is not table or json');
  });

  test("ps --format json lists exactly the container's processes (host PIDs)", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "sleep 30 & echo $! > /child; wait"]));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    await waitFile(join(bundle, "rootfs/child"));
    const init = sb.state(id).pid as number;
    const pids = JSON.parse(sb.rt(["ps", "--format", "json", id]).stdout) as number[];
    expect(pids).toContain(init);
    expect(pids.length).toBe(2);
    const child = pids.find((p) => p !== init)!;
    expect(readFileSync(`/proc/${child}/stat`, "utf8").split(" ")[3]).toBe(String(init)); // its parent is the init
    const table = sb.rt(["ps", id]).stdout.trim().split("\n");
    expect(table[0]).toMatch(/PID/);
    expect(table.length).toBe(3);
  });
});
