// The engine end to end with real containers from the busybox image: run (attached, detached,
// --rm, -i), exit codes, ps/inspect/logs/stop/kill/wait/rm/start/restart/pause, and docker's
// errors with their exit codes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { EngineLab, monitorPids } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
  expect(monitorPids(lab.root)).toEqual([]);
});

describe("run", () => {
  test("attached --rm: output, exit code, nothing left", () => {
    const r = lab.nsbox(["run", "--rm", "--net", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toMatchObject({ code: 3, stdout: "out\n", stderr: "err\n" });
    expect(lab.ok(["ps", "-aq"])).toBe("");
  });

  test("-i passes stdin and closes it at its end", () => {
    const r = lab.nsbox(["run", "--rm", "-i", "--net", "none", "busybox", "sh", "-c", "cat; echo done"], { stdin: "abc\n" });
    expect(r).toMatchObject({ code: 0, stdout: "abc\ndone\n" });
  });

  test("docker-shaped inspect and the container's view of its settings", () => {
    const id = lab.ok([
      "run", "-d", "--name", "shape", "--net", "none", "-e", "FOO=bar", "-w", "/tmp", "-u", "nobody", "-h", "box",
      "-l", "tier=db", "--pids-limit", "50", "-m", "64m", "busybox", "sleep", "30",
    ]);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const c = lab.inspect("shape");
    expect(c).toMatchObject({ Id: id, Name: "/shape", Path: "sleep", Args: ["30"] });
    expect(c.State).toMatchObject({ Status: "running", Running: true, Paused: false, OOMKilled: false, ExitCode: 0 });
    expect(c.State.Pid).toBeGreaterThan(0);
    expect(c.Config).toMatchObject({ Hostname: "box", WorkingDir: "/tmp", User: "nobody", Labels: { tier: "db" } });
    expect(c.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, PidsLimit: 50, NetworkMode: "none" });
    expect(lab.ok(["inspect", "-f", "{{.State.Pid}}", "shape"])).toBe(String(c.State.Pid));
    // cgroup named after the id, as docker's /docker/<id>
    expect(readFileSync(`/proc/${c.State.Pid}/cgroup`, "utf8")).toContain(`/nsbox/${id}`);
    const env = lab.ok(["exec", "shape", "sh", "-c", "echo $FOO $(pwd) $(id -u) $(hostname)"]);
    expect(env).toBe("bar /tmp 65534 box");
    expect(lab.ok(["ps", "--filter", "name=sha", "--format", "{{.Names}} {{.Status}}"])).toMatch(/^shape Up /);
    expect(lab.ok(["ps", "-q"])).toBe(id.slice(0, 12));
    lab.ok(["rm", "-f", "shape"]);
  });

  test("--read-only, --cap-drop and --privileged reach the process", () => {
    const ro = lab.nsbox(["run", "--rm", "--net", "none", "--read-only", "busybox", "touch", "/x"]);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toMatch(/Read-only file system/);
    const capEff = (args: string[]) => lab.ok(["run", "--rm", "--net", "none", ...args, "busybox", "grep", "CapEff", "/proc/self/status"]).split(/\s+/)[1];
    expect(capEff([])).toBe("00000000a80425fb"); // docker's default set
    expect(capEff(["--cap-drop", "ALL"])).toBe("0000000000000000");
    expect(BigInt(`0x${capEff(["--privileged"])}`)).toBeGreaterThan(0xa80425fbn);
  });
});

describe("lifecycle of a detached container", () => {
  test("logs survive the CLI and the container; stop, wait, start, restart, kill, rm", async () => {
    lab.ok(["run", "-d", "--name", "life", "--net", "none", "busybox", "sh", "-c", "for i in 1 2 3; do echo line$i; done; echo oops >&2; exec sleep 30"]);
    await lab.until("logs", () => lab.nsbox(["logs", "life"]).stdout === "line1\nline2\nline3\n");
    expect(lab.nsbox(["logs", "life"]).stderr).toBe("oops\n");
    expect(lab.nsbox(["logs", "--tail", "2", "life"])).toMatchObject({ stdout: "line3\n", stderr: "oops\n" });
    expect(lab.ok(["logs", "-t", "--tail", "2", "life"])).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z line3$/);
    const t0 = Date.now();
    expect(lab.ok(["stop", "-t", "1", "life"])).toBe("life"); // sleep as PID 1 ignores SIGTERM: SIGKILL after 1 s
    expect(Date.now() - t0).toBeLessThan(5000);
    const st = lab.inspect("life").State;
    expect(st).toMatchObject({ Status: "exited", Running: false, ExitCode: 137, Pid: 0 });
    expect(lab.ok(["wait", "life"])).toBe("137");
    expect(lab.nsbox(["logs", "life"]).stdout).toBe("line1\nline2\nline3\n");
    lab.ok(["start", "life"]);
    expect(lab.inspect("life").State.Running).toBe(true);
    await lab.until("second run's logs", () => lab.nsbox(["logs", "life"]).stdout.split("line1").length === 3);
    const pid1 = lab.inspect("life").State.Pid;
    lab.ok(["restart", "-t", "0", "life"]);
    const pid2 = lab.inspect("life").State.Pid;
    expect(pid2).not.toBe(pid1);
    lab.ok(["kill", "-s", "KILL", "life"]);
    expect(lab.ok(["wait", "life"])).toBe("137");
    lab.ok(["rm", "life"]);
    expect(lab.nsbox(["inspect", "life"]).code).toBe(1);
  });

  test("pause and unpause through the freezer", async () => {
    lab.ok(["run", "-d", "--name", "frozen", "--net", "none", "busybox", "sleep", "30"]);
    lab.ok(["pause", "frozen"]);
    expect(lab.inspect("frozen").State).toMatchObject({ Status: "paused", Paused: true, Running: true });
    const pid = lab.inspect("frozen").State.Pid;
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/State:\s+[DS]/);
    lab.ok(["unpause", "frozen"]);
    expect(lab.inspect("frozen").State.Status).toBe("running");
    lab.ok(["rm", "-f", "frozen"]);
  });

  test("rename keeps the container and frees the old name", () => {
    lab.ok(["create", "--name", "old", "--net", "none", "busybox", "true"]);
    expect(lab.inspect("old").State.Status).toBe("created");
    lab.ok(["rename", "old", "new"]);
    expect(lab.inspect("new").Name).toBe("/new");
    expect(lab.nsbox(["inspect", "old"]).code).toBe(1);
    lab.ok(["rm", "new"]);
  });
});

describe("restart policies (run by the monitor)", () => {
  test("on-failure:2 restarts twice, then leaves it exited", async () => {
    lab.ok(["run", "-d", "--name", "flaky", "--net", "none", "--restart", "on-failure:2", "busybox", "sh", "-c", "echo try; exit 4"]);
    let last: any;
    try {
      await lab.until("two restarts", () => {
        last = lab.inspect("flaky");
        return last.RestartCount === 2 && last.State.Status === "exited";
      }, 15_000);
    } catch (err) {
      lab.nsbox(["rm", "-f", "flaky"]); // no leftover for the next tests
      // What the monitor recorded says why (a restart's create failing shows in State.Error).
      throw new Error(`${(err as Error).message}: RestartCount ${last?.RestartCount}, State ${JSON.stringify(last?.State)}`);
    }
    expect(lab.inspect("flaky").State.ExitCode).toBe(4);
    expect(lab.ok(["logs", "flaky"])).toBe("try\ntry\ntry");
    lab.ok(["rm", "flaky"]);
  });

  test("always restarts after an exit, but not after stop", async () => {
    lab.ok(["run", "-d", "--name", "always", "--net", "none", "--restart", "always", "busybox", "sh", "-c", "sleep 0.2; exit 1"]);
    await lab.until("a restart", () => lab.inspect("always").RestartCount >= 1);
    lab.ok(["stop", "-t", "0", "always"]);
    const n = lab.inspect("always").RestartCount;
    await Bun.sleep(600);
    expect(lab.inspect("always")).toMatchObject({ RestartCount: n, State: { Status: "exited" } });
    lab.ok(["rm", "always"]);
  });
});

describe("errors: one clear line and docker's exit code", () => {
  const line = (s: string) => expect(s.trim().split("\n")).toHaveLength(1);
  test("name already in use: 125", () => {
    lab.ok(["create", "--name", "taken", "--net", "none", "busybox", "true"]);
    const r = lab.nsbox(["run", "--name", "taken", "--net", "none", "busybox", "true"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/The container name "\/taken" is already in use by container "[0-9a-f]{64}"/);
    line(r.stderr);
    lab.ok(["rm", "taken"]);
  });

  test("unknown image: 125, nothing created", () => {
    const r = lab.nsbox(["run", "--net", "none", "localhost:1/nosuchimage"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^Unable to find image 'localhost:1\/nosuchimage:latest' locally\nlatest: Pulling from nosuchimage\nnsbox: pull localhost:1\/nosuchimage:latest: .+\n$/);
    expect(lab.ok(["ps", "-aq"])).toBe("");
  });

  test("command not found: 127, and --rm removes the container that could not start", () => {
    const r = lab.nsbox(["run", "--rm", "--net", "none", "busybox", "nosuchcmd"]);
    expect(r.code).toBe(127);
    // said once (the runtime's own wording used to follow it again)
    expect(r.stderr).toMatch(/^nsbox: failed to start container \S+: exec: "nosuchcmd": executable file not found in \$PATH\n$/);
    line(r.stderr);
    expect(lab.ok(["ps", "-aq"])).toBe("");
    const kept = lab.nsbox(["run", "--name", "nocmd", "--net", "none", "busybox", "nosuchcmd"]);
    expect(kept.code).toBe(127);
    expect(lab.inspect("nocmd").State).toMatchObject({ Status: "created", ExitCode: 127 });
    lab.ok(["rm", "nocmd"]);
  });

  test("a command that exists but cannot be run: 126 (refused at create, as with runc)", () => {
    const r = lab.nsbox(["run", "--rm", "--net", "none", "busybox", "/etc/passwd"]);
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/exec: "\/etc\/passwd": permission denied/);
    line(r.stderr);
    expect(lab.ok(["ps", "-aq"])).toBe("");
  });

  test("rm of a running container without -f; exec into a stopped one; unknown container", () => {
    lab.ok(["run", "-d", "--name", "busy", "--net", "none", "busybox", "sleep", "30"]);
    const rm = lab.nsbox(["rm", "busy"]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/container is running: stop the container before removing or force remove/);
    line(rm.stderr);
    expect(lab.nsbox(["exec", "busy", "sh", "-c", "exit 5"]).code).toBe(5);
    expect(lab.nsbox(["exec", "busy", "nosuchcmd"]).code).toBe(127);
    lab.ok(["kill", "busy"]);
    lab.ok(["wait", "busy"]);
    const ex = lab.nsbox(["exec", "busy", "true"]);
    expect(ex.code).toBe(1);
    expect(ex.stderr).toMatch(/is not running/);
    const kill = lab.nsbox(["kill", "busy"]);
    expect(kill.code).toBe(1);
    lab.ok(["rm", "busy"]);
    const none = lab.nsbox(["stop", "nosuch"]);
    expect(none).toMatchObject({ code: 1, stderr: "nsbox: No such container: nosuch\n" });
  });

  test("invalid flag values: 125", () => {
    for (const args of [["-m", "lots"], ["--restart", "sometimes"], ["--cpus", "-1"], ["--pids-limit", "x"], ["--net", "container:"], ["--cap-add", "NOPE"], ["--bogus"]]) {
      const r = lab.nsbox(["run", ...args, "busybox", "true"]);
      expect(r.code).toBe(125);
      line(r.stderr);
    }
    expect(lab.ok(["ps", "-aq"])).toBe("");
  });
});

test("the library: import { Engine } from nsbox", async () => {
  const { Engine } = await import("../../src/index.ts");
  const e = Engine.open({ root: lab.root });
  const { Id } = await e.create({ name: "lib", Config: { Image: "busybox", Cmd: ["sh", "-c", "echo from-lib; exit 6"] }, HostConfig: { NetworkMode: "none" } });
  await e.start(Id);
  expect(await e.wait("lib")).toBe(6);
  const lines: string[] = [];
  await e.logs("lib", {}, (x) => lines.push(`${x.stream}:${x.log}`));
  expect(lines).toEqual(["stdout:from-lib\n"]);
  expect(e.inspect(Id).State).toMatchObject({ Status: "exited", ExitCode: 6 });
  await e.remove("lib");
  expect(e.list(true).map((c) => c.Id)).not.toContain(Id);
  e.close();
});

test("-v HOST:CTR[:ro], named volumes that outlive containers, --tmpfs", () => {
  const dir = require("node:fs").mkdtempSync("/tmp/nsbox-vol-");
  require("node:fs").writeFileSync(`${dir}/f`, "fromhost\n");
  const r = lab.nsbox([
    "run", "--rm", "--net", "none", "-v", `${dir}:/data:ro`, "-v", "vol1:/vol", "--tmpfs", "/scratch:size=1m", "busybox", "sh", "-c",
    "cat /data/f; echo x > /data/g || echo ro; echo kept > /vol/p; grep -c ' /scratch tmpfs' /proc/mounts",
  ]);
  expect(r.stdout).toBe("fromhost\nro\n1\n");
  expect(lab.ok(["run", "--rm", "--net", "none", "-v", "vol1:/vol", "busybox", "cat", "/vol/p"])).toBe("kept");
  // docker: a missing -v source directory is created; --mount type=bind refuses it.
  expect(lab.ok(["run", "--rm", "--net", "none", "-v", `${dir}/made:/x`, "busybox", "true"])).toBe("");
  expect(existsSync(`${dir}/made`)).toBe(true);
  const bad = lab.nsbox(["run", "--rm", "--net", "none", "--mount", `type=bind,src=${dir}/missing,dst=/x`, "busybox", "true"]);
  expect(bad).toMatchObject({ code: 125, stderr: `nsbox: invalid mount config for type "bind": bind source path does not exist: ${dir}/missing\n` });
  expect(existsSync(`${dir}/missing`)).toBe(false);
  require("node:fs").rmSync(dir, { recursive: true });
});

test("logs -f streams until the container exits; exec -d runs in the background", async () => {
  lab.ok(["run", "-d", "--name", "follow", "--net", "none", "busybox", "sh", "-c", "echo one; sleep 0.4; echo two; sleep 0.4; echo three"]);
  const t0 = Date.now();
  const r = await lab.nsboxAsync(["logs", "-f", "follow"]);
  expect(r).toMatchObject({ code: 0, stdout: "one\ntwo\nthree\n" });
  expect(Date.now() - t0).toBeGreaterThan(500);
  lab.ok(["run", "-d", "--name", "bg", "--net", "none", "busybox", "sleep", "30"]);
  lab.ok(["exec", "-d", "bg", "sh", "-c", "sleep 0.2; echo done > /tmp/flag"]);
  await lab.until("background exec", () => lab.nsbox(["exec", "bg", "cat", "/tmp/flag"]).stdout === "done\n");
  lab.ok(["rm", "-f", "follow", "bg"]);
});

test("--init: tini as PID 1 forwards SIGTERM (a fast stop) and passes the exit code", () => {
  const r = lab.nsbox(["run", "--rm", "--init", "--net", "none", "busybox", "sh", "-c", "cat /proc/1/comm; exit 5"]);
  expect(r).toMatchObject({ code: 5, stdout: "docker-init\n" });
  lab.ok(["run", "-d", "--init", "--name", "inited", "--net", "none", "busybox", "sleep", "100"]);
  const t0 = Date.now();
  lab.ok(["stop", "inited"]); // plain sleep as PID 1 would ignore SIGTERM and wait 10 s for SIGKILL
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(lab.inspect("inited").State.ExitCode).toBe(143);
  lab.ok(["rm", "inited"]);
});

test("seccomp: docker's default profile unless --privileged or seccomp=unconfined", () => {
  const mode = (args: string[]) => lab.ok(["run", "--rm", "--net", "none", ...args, "busybox", "grep", "^Seccomp:", "/proc/self/status"]).split(/\s+/)[1];
  expect(mode([])).toBe("2");
  expect(mode(["--security-opt", "seccomp=unconfined"])).toBe("0");
  expect(mode(["--privileged"])).toBe("0");
  // the default profile refuses unshare(CLONE_NEWNET) without CAP_SYS_ADMIN
  expect(lab.nsbox(["run", "--rm", "--net", "none", "busybox", "unshare", "-n", "true"]).code).not.toBe(0);
  const bad = lab.nsbox(["run", "--rm", "--security-opt", "seccomp=/nonexistent.json", "busybox", "true"]);
  expect(bad).toMatchObject({ code: 125, stderr: "nsbox: opening seccomp profile (/nonexistent.json) failed: no such file or directory\n" });
});

test("restart of a PID-namespace owner restarts its dependents after it (graph order)", () => {
  lab.ok(["run", "-d", "--name", "pidowner", "--net", "none", "busybox", "sleep", "100"]);
  lab.ok(["run", "-d", "--name", "piddep", "--net", "none", "--pid", "container:pidowner", "busybox", "sleep", "101"]);
  const ns = (n: string) => require("node:fs").readlinkSync(`/proc/${lab.inspect(n).State.Pid}/ns/pid`);
  expect(ns("piddep")).toBe(ns("pidowner"));
  lab.ok(["restart", "-t", "0", "pidowner"]);
  expect(lab.inspect("piddep").State.Running).toBe(true);
  expect(ns("piddep")).toBe(ns("pidowner"));
  expect(lab.ok(["exec", "piddep", "ps", "-o", "args"])).toContain("sleep 100");
  lab.ok(["rm", "-f", "piddep", "pidowner"]);
});
