// nsbox-runtime exec and terminals on real containers: an exec'd process lands in every namespace
// of the container and in its cwd; exit statuses propagate; `exec --tty` and `run` with a
// terminal send the pty master to --console-socket (received by test/helpers/recvtty.c), or, in
// the foreground without one, relay the caller's own terminal (given by script(1)).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRecvtty, canRun, nsInode, oneErrorLine, recvtty, RUNTIME, Sandbox, testSpec, userNamespace } from "../helpers/runtime.ts";

const NS = ["mnt", "pid", "net", "ipc", "uts", "cgroup", "user"];

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** A detached container running `sleep 30` (or `args`), with its init's host PID. */
function startContainer(args = ["sleep", "30"], edit?: Parameters<typeof testSpec>[1]): { id: string; pid: number; bundle: string } {
  const bundle = sb.bundle(testSpec(args, edit));
  const id = sb.id();
  const r = sb.rt(["run", "-d", "--bundle", bundle, id]);
  if (r.code !== 0) throw new Error(`run -d: ${r.stderr}`);
  return { id, pid: sb.state(id).pid as number, bundle };
}

describe.skipIf(!canRun)("exec", () => {
  test("lands in every namespace of the container (same inodes as its init)", () => {
    const { id, pid } = startContainer();
    const r = sb.rt(["exec", id, "sh", "-c", `for n in ${NS.join(" ")}; do readlink /proc/self/ns/$n; done`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(NS.map((n) => `${n}:[${nsInode(pid, n)}]`));
    // and those are the container's own, not the host's
    for (const n of ["mnt", "pid", "net", "uts"]) expect(nsInode(pid, n)).not.toBe(nsInode("self", n));
  });

  test("sees the container's processes and root, in its cgroup", () => {
    const { id, pid } = startContainer();
    const r = sb.rt(["exec", id, "sh", "-c", "ps -o pid,comm | tail -n +2; cat /proc/self/cgroup | grep -c nsbox-runtime; hostname"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]!.trim().split(/\s+/)).toEqual(["1", "sleep"]);
    // the exec'd process is in the container's cgroup: no host cgroup path leaks through the cgroupns
    expect(lines.at(-1)).toBe("nsbox");
    const host = readFileSync(`/proc/${pid}/cgroup`, "utf8");
    expect(host).toContain(`nsbox-runtime/${id}`);
  });

  // The launcher joins v1 hierarchies through `tasks` and forks into the v2 one with
  // CLONE_INTO_CGROUP (native/launcher/cgroup_join.h): every line must name the container's path.
  test("the init and an exec'd process are in the container's cgroup in every hierarchy", () => {
    const { id, pid } = startContainer(["sleep", "30"]);
    const hierarchies = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n").length;
    const e = sb.rt(["exec", "-d", "--pid-file", `${sb.root}/exec.pid`, id, "sleep", "30"]);
    expect(e.code).toBe(0);
    const execPid = Number(readFileSync(`${sb.root}/exec.pid`, "utf8"));
    for (const p of [pid, execPid]) {
      const lines = readFileSync(`/proc/${p}/cgroup`, "utf8").trim().split("\n");
      expect(lines).toHaveLength(hierarchies);
      for (const line of lines) expect(line).toEndWith(`/nsbox-runtime/${id}`);
    }
  });

  test("in a user-namespace container: root inside, the mapped uid on the host", () => {
    const { id, pid } = startContainer(["sleep", "30"], (s) => userNamespace(s, 300000));
    const r = sb.rt(["exec", id, "sh", "-c", "id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/).join(" "))).toEqual(["0", "0 300000 65536", `user:[${nsInode(pid, "user")}]`]);
    const pidFile = join(sb.dir, "u.pid");
    expect(sb.rt(["exec", "-d", "--pid-file", pidFile, id, "sleep", "30"]).code).toBe(0);
    const status = readFileSync(`/proc/${readFileSync(pidFile, "utf8")}/status`, "utf8");
    expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe("300000");
  });

  test("starts in the config's cwd, or in --cwd; gets env and --env", () => {
    const { id } = startContainer(["sleep", "30"], (s) => {
      s.process!.cwd = "/etc";
      s.process!.env!.push("FROM_CONFIG=1");
    });
    expect(sb.rt(["exec", id, "sh", "-c", "pwd; echo $FROM_CONFIG"]).stdout).toBe("/etc\n1\n");
    expect(sb.rt(["exec", "--cwd", "/tmp", "--env", "EXTRA=x y", id, "sh", "-c", "pwd; echo $EXTRA"]).stdout).toBe("/tmp\nx y\n");
  });

  test("--user sets uid and gid", () => {
    const { id } = startContainer();
    expect(sb.rt(["exec", "--user", "1000:1001", id, "sh", "-c", "id -u; id -g"]).stdout).toBe("1000\n1001\n");
  });

  test("--process FILE runs the process described there", () => {
    const { id } = startContainer();
    const file = join(sb.dir, "process.json");
    writeFileSync(file, JSON.stringify({ args: ["sh", "-c", "pwd; echo $P"], cwd: "/bin", env: ["P=from-file"], user: { uid: 0, gid: 0 } }));
    expect(sb.rt(["exec", "--process", file, id])).toEqual({ code: 0, stdout: "/bin\nfrom-file\n", stderr: "" });
  });

  test("exit status propagates: exit 3 → 3, killed by SIGKILL → 137, not found → 127", () => {
    const { id } = startContainer();
    expect(sb.rt(["exec", id, "sh", "-c", "exit 3"]).code).toBe(3);
    expect(sb.rt(["exec", id, "sh", "-c", "kill -9 $$"]).code).toBe(137);
    const missing = sb.rt(["exec", id, "no-such-program"]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/^nsbox-runtime: exec .*no-such-program.*\n$/);
    expect(sb.state(id).status).toBe("running");
  });

  test("stdin reaches the exec'd process", () => {
    const { id } = startContainer();
    expect(sb.rt(["exec", id, "sh", "-c", "read a; echo got:$a"], { stdin: "hi\n" }).stdout).toBe("got:hi\n");
  });

  test("--detach returns at once with --pid-file; the process runs on in the container", async () => {
    const { id, bundle } = startContainer();
    Bun.spawnSync(["mkfifo", join(bundle, "rootfs/go")]);
    const pidFile = join(sb.dir, "exec.pid");
    // The process blocks on the fifo until we write it: exec returning at all proves it did not wait.
    const r = sb.rt(["exec", "--detach", "--pid-file", pidFile, id, "sh", "-c", "read x < /go; echo $x > /late"]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(nsInode(pid, "mnt")).toBe(nsInode(sb.state(id).pid as number, "mnt"));
    writeFileSync(join(bundle, "rootfs/go"), "released\n");
    for (let i = 0; i < 250 && !existsSync(join(bundle, "rootfs/late")); i++) await Bun.sleep(10);
    await Bun.sleep(20);
    expect(readFileSync(join(bundle, "rootfs/late"), "utf8")).toBe("released\n");
  });

  test("bad exec flags are refused with one line before anything runs", () => {
    const { id } = startContainer();
    expect(oneErrorLine(sb.rt(["exec", "--cwd", "tmp", id, "pwd"]))).toBe(`nsbox-runtime: exec ${id}: --cwd "tmp": must be an absolute path`);
    expect(oneErrorLine(sb.rt(["exec", "--env", "NOEQUALS", id, "true"]))).toBe(`nsbox-runtime: exec ${id}: --env "NOEQUALS": expected KEY=VALUE`);
    expect(oneErrorLine(sb.rt(["exec", "--user", "root", id, "true"]))).toMatch(/--user "root": expected UID\[:GID\]$/);
    expect(oneErrorLine(sb.rt(["exec", "--additional-gids", "x", id, "true"]))).toMatch(/--additional-gids "x": not a group id$/);
    expect(oneErrorLine(sb.rt(["exec", id]))).toMatch(/no command given/);
    const file = join(sb.dir, "bad-process.json");
    writeFileSync(file, JSON.stringify({ args: ["true"], cwd: "relative", user: { uid: 0, gid: 0 } }));
    expect(oneErrorLine(sb.rt(["exec", "--process", file, id]))).toBe(`nsbox-runtime: exec ${id}: --process ${file}: process.cwd: must be an absolute path, not "relative"`);
    expect(oneErrorLine(sb.rt(["exec", "--cwd", "/no/such/dir", id, "pwd"]))).toMatch(/^nsbox-runtime: exec .*\/no\/such\/dir: No such file or directory$/);
    expect(sb.rt(["ps", "--format", "json", id]).stdout.trim()).toBe(`[${sb.state(id).pid}]`); // nothing left running
  });

  test("exec in a stopped container is refused with one line", async () => {
    const { id } = startContainer(["true"]);
    await sb.waitStatus(id, "stopped");
    const r = sb.rt(["exec", id, "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^nsbox-runtime: exec .*stopped[^\n]*\n$/);
  });
});

describe.skipIf(!canRun)("terminals and --console-socket", () => {
  let tools: string;
  let bin: string;
  beforeAll(() => {
    tools = mkdtempSync(join(tmpdir(), "nsbox-recvtty-"));
    bin = buildRecvtty(tools);
  });
  afterAll(() => rmSync(tools, { recursive: true, force: true }));

  test("run with terminal: true sends the pty master; the process has a controlling tty", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "tty; read line; echo got:$line; exit 5"], (s) => (s.process!.terminal = true)));
    const { socket, proc } = await recvtty(bin, sb.dir, "typed\n");
    const r = sb.rt(["run", "--console-socket", socket, "--bundle", bundle, sb.id()]);
    expect(r.code).toBe(5);
    const out = (await new Response(proc.stdout).text()).replaceAll("\r", "");
    expect(await proc.exited).toBe(0);
    expect(out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(out).toContain("typed\n"); // the pty echoed our input
    expect(out).toContain("got:typed\n");
  });

  test("run -d with terminal: true keeps running on the pty after run returns", async () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "read line; echo got:$line"], (s) => (s.process!.terminal = true)));
    const { socket, proc } = await recvtty(bin, sb.dir, "later\n");
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--console-socket", socket, "--bundle", bundle, id])).toEqual({ code: 0, stdout: "", stderr: "" });
    const out = (await new Response(proc.stdout).text()).replaceAll("\r", "");
    expect(out).toContain("got:later\n");
    await sb.waitStatus(id, "stopped");
  });

  test("exec --tty --console-socket: a pty in the container for the exec'd process", async () => {
    const { id } = startContainer();
    const { socket, proc } = await recvtty(bin, sb.dir, "ping\n");
    const r = sb.rt(["exec", "--tty", "--console-socket", socket, id, "sh", "-c", "tty; read x; echo pong:$x; exit 4"]);
    expect(r.code).toBe(4);
    const out = (await new Response(proc.stdout).text()).replaceAll("\r", "");
    expect(out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(out).toContain("pong:ping\n");
  });

  // util-linux script(1) gives the CLI a pty of its own, as a user's terminal; -e returns the exit status.
  const script = (cmd: string[], input: string) => {
    const line = [...cmd].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const p = Bun.spawnSync(["script", "-qec", line, "/dev/null"], { stdin: Buffer.from(input), stdout: "pipe", stderr: "pipe" });
    return { code: p.exitCode, out: p.stdout.toString().replaceAll("\r", "") };
  };
  const hasScript = Bun.which("script") !== null;

  test.skipIf(!hasScript)("exec --tty in the foreground relays the caller's terminal", () => {
    const { id } = startContainer();
    const r = script([...RUNTIME, "--root", sb.root, "exec", "--tty", id, "sh", "-c", "tty; read x; echo got:$x; exit 6"], "hello\n");
    expect(r.code).toBe(6);
    expect(r.out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(r.out).toContain("got:hello\n");
  });

  test.skipIf(!hasScript)("run with terminal: true in the foreground relays the caller's terminal", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "tty; read x; echo got:$x; exit 7"], (s) => (s.process!.terminal = true)));
    const r = script([...RUNTIME, "--root", sb.root, "run", "--bundle", bundle, sb.id()], "typed\n");
    expect(r.code).toBe(7);
    expect(r.out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(r.out).toContain("got:typed\n");
  });

  test("a terminal without a console socket for a detached container is refused, leaving nothing", () => {
    const bundle = sb.bundle(testSpec(["sh"], (s) => (s.process!.terminal = true)));
    const id = sb.id();
    const r = sb.rt(["run", "-d", "--bundle", bundle, id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split("\n").filter(Boolean).length).toBe(1);
    expect(r.stderr).toMatch(/^nsbox-runtime: /);
    expect(sb.leftovers()).toEqual([]);
  });

  test("a console socket nobody listens on fails create with one line, leaving nothing", () => {
    const bundle = sb.bundle(testSpec(["sh"], (s) => (s.process!.terminal = true)));
    const id = sb.id();
    const r = sb.rt(["create", "--console-socket", join(sb.dir, "nobody.sock"), "--bundle", bundle, id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^nsbox-runtime: create .*nobody\.sock[^\n]*\n$/);
    expect(sb.leftovers()).toEqual([]);
  });
});
