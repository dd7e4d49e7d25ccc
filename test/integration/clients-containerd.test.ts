// containerd (1.6, its runc shim containerd-shim-runc-v2) running tasks through bin/nsbox-runtime:
// `ctr run --runc-binary /abs/bin/nsbox-runtime`, on a containerd daemon of the test's own (config,
// root, state, sockets and the runtime's --root in a temp dir; test/helpers/clients.ts), with the
// busybox image built offline from Debian's busybox-static and brought in by `ctr images import`.
// The shim drives the runtime as it drives runc: create --bundle --pid-file [--console-socket],
// start, state, kill [--all], delete, exec --process --detach --pid-file, ps --format json,
// pause/resume, with --log FILE --log-format json, whose last line is the error ctr shows.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { BUSYBOX_ARCHIVE, BUSYBOX_REF, clientUnavailable, ContainerdLab, hostCgroupFile, inPty, runtimeState } from "../helpers/clients.ts";

const unavailable = clientUnavailable(["containerd"], ["containerd", "ctr", "containerd-shim-runc-v2"]);
if (unavailable) console.warn(`clients-containerd: skipped: ${unavailable}`);

let lab: ContainerdLab;
let fifoDir: string;
/** `ctr run` with the runc shim pointed at nsbox-runtime and the client's fifos in the lab. */
const runArgs = (...args: string[]) => ["run", ...lab.runtimeOptions, "--fifo-dir", fifoDir, ...args];
const execArgs = (...args: string[]) => ["task", "exec", "--fifo-dir", fifoDir, ...args];

/** `ctr task ls` as {id: [pid, status]}. */
function tasks(): Record<string, [number, string]> {
  const out: Record<string, [number, string]> = {};
  for (const line of lab.ctr(["task", "ls"]).stdout.trim().split("\n").slice(1)) {
    const [id, pid, status] = line.trim().split(/\s+/);
    out[id] = [Number(pid), status];
  }
  return out;
}

async function waitStatus(id: string, status: string): Promise<void> {
  for (let i = 0; i < 100 && tasks()[id]?.[1] !== status; i++) await Bun.sleep(50);
  expect(tasks()[id]?.[1]).toBe(status);
}

describe.skipIf(!!unavailable)(`containerd (ctr --runc-binary nsbox-runtime)${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  beforeAll(async () => {
    lab = new ContainerdLab();
    fifoDir = `${lab.dir}/fifo`;
    mkdirSync(fifoDir);
    await lab.start();
    const imported = lab.ctr(["images", "import", BUSYBOX_ARCHIVE], { timeoutMs: 60_000 });
    expect(imported.stderr).toBe("");
    expect(lab.ctr(["images", "ls", "-q"]).stdout).toContain(BUSYBOX_REF);
  }, 60_000);
  afterAll(() => lab?.stop(), 60_000);

  // (No stdin test for a foreground `ctr run`: ctr 1.6 never closes the task's stdin, so a reader
  // waits forever, with runc as well. `ctr task exec` does close it: tested below.)
  test("foreground run --rm: output, exit status, lo up; nothing left behind", () => {
    const sh = "echo hello; tr '\\0' ' ' < /proc/1/cmdline; echo; ip -o link show lo; exit 3";
    const r = lab.ctr(runArgs("--rm", BUSYBOX_REF, "fg1", "sh", "-c", sh));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^hello\nsh -c echo hello/);
    expect(r.stdout).toMatch(/lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(lab.ctr(["containers", "ls", "-q"]).stdout).toBe("");
    expect(runtimeState(lab.dir, lab.runtimeRoot, "fg1")).toBeUndefined();
  }, 30_000);

  test("foreground run -t through a pty (--console-socket)", () => {
    const r = inPty(lab.dir, lab.command(runArgs("--rm", "-t", BUSYBOX_REF, "tty1", "sh", "-c", "tty; test -t 0 && echo stdin-is-tty; exit 5")));
    expect(r.code).toBe(5);
    // ctr leaves its own terminal cooked when its stdin is not one: "\r\r\n" (runc too).
    expect(r.stdout).toMatch(/\/dev\/pts\/0\r+\nstdin-is-tty\r+\n/);
  }, 30_000);

  test("detached: task ls, exec (status, stdin, -t, -d), ps, pause/resume, kill (SIGTERM handled), delete", async () => {
    const sh = 'trap "exit 0" TERM; while :; do sleep 0.1; done';
    const d = lab.ctr(runArgs("-d", BUSYBOX_REF, "d1", "sh", "-c", sh));
    expect(d.stderr).toBe("");
    expect(d.code).toBe(0);
    const [pid, status] = tasks().d1;
    expect(status).toBe("RUNNING");
    // The shim's runtime is nsbox-runtime: its state under the shim's --root has the task's PID,
    // and the process sits in the cgroup containerd asked for (/<namespace>/<id>).
    expect(runtimeState(lab.dir, lab.runtimeRoot, "d1")).toMatchObject({ status: "running", pid });
    expect(readFileSync(`/proc/${pid}/cgroup`, "utf8")).toContain(`:/${lab.namespace}/d1\n`);

    const e = lab.ctr(execArgs("--exec-id", "e1", "d1", "sh", "-c", "echo $$; exit 6"));
    expect(e.code).toBe(6);
    expect(Number(e.stdout.trim())).toBeGreaterThan(1);
    expect(lab.ctr(execArgs("--exec-id", "e2", "d1", "tr", "a-z", "A-Z"), { stdin: "exec stdin\n" }).stdout).toBe("EXEC STDIN\n");
    const t = inPty(lab.dir, lab.command(execArgs("-t", "--exec-id", "e3", "d1", "sh", "-c", "tty; exit 7")));
    expect(t.code).toBe(7);
    expect(t.stdout).toMatch(/\/dev\/pts\/\d+\r+\n/);

    expect(lab.ctr(execArgs("-d", "--exec-id", "bg", "d1", "sleep", "1000")).code).toBe(0);
    const ps = lab.ctr(["task", "ps", "d1"]).stdout;
    expect(ps).toMatch(new RegExp(`^${pid}\\s`, "m"));
    expect(ps).toMatch(/ExecID:bg/);

    expect(lab.ctr(["task", "pause", "d1"]).code).toBe(0);
    await waitStatus("d1", "PAUSED");
    expect(runtimeState(lab.dir, lab.runtimeRoot, "d1")?.status).toBe("paused");
    expect(lab.ctr(["task", "resume", "d1"]).code).toBe(0);
    await waitStatus("d1", "RUNNING");

    expect(lab.ctr(["task", "kill", "d1"]).code).toBe(0); // SIGTERM: the trap exits 0
    await waitStatus("d1", "STOPPED");
    const rm = lab.ctr(["task", "delete", "d1"]);
    expect(rm.code).toBe(0);
    expect(rm.stderr).not.toContain("non-zero exit code");
    expect(lab.ctr(["containers", "delete", "d1"]).code).toBe(0);
    expect(runtimeState(lab.dir, lab.runtimeRoot, "d1")).toBeUndefined();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 60_000);

  test("kill --all -s KILL ends the init and exec'd processes: exit 137", async () => {
    expect(lab.ctr(runArgs("-d", BUSYBOX_REF, "k1", "sleep", "1000")).code).toBe(0);
    expect(lab.ctr(execArgs("-d", "--exec-id", "x", "k1", "sleep", "999")).code).toBe(0);
    const pids = lab.ctr(["task", "ps", "k1"]).stdout.trim().split("\n").slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(pids.length).toBe(2);
    expect(lab.ctr(["task", "kill", "--all", "--signal", "SIGKILL", "k1"]).code).toBe(0);
    await waitStatus("k1", "STOPPED");
    for (const p of pids) for (let i = 0; i < 50 && existsSync(`/proc/${p}`); i++) await Bun.sleep(20);
    expect(pids.filter((p) => existsSync(`/proc/${p}`))).toEqual([]);
    expect(lab.ctr(["task", "delete", "k1"]).stderr).toContain("exit code 137");
    expect(lab.ctr(["containers", "delete", "k1"]).code).toBe(0);
  }, 60_000);

  test("--with-ns network:/proc/PID/ns/net joins another task's network namespace", async () => {
    expect(lab.ctr(runArgs("-d", BUSYBOX_REF, "srv", "httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/etc")).code).toBe(0);
    const [pid] = tasks().srv;
    const sh = "for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/passwd && exit 0; sleep 0.1; done; exit 1";
    const r = lab.ctr(runArgs("--rm", "--with-ns", `network:/proc/${pid}/ns/net`, BUSYBOX_REF, "cli", "sh", "-c", sh));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("root:x:0:0");
    lab.ctr(["task", "kill", "-s", "SIGKILL", "srv"]);
  }, 30_000);

  test("--memory-limit reaches the container's cgroup", () => {
    expect(lab.ctr(runArgs("-d", "--memory-limit", String(48 << 20), BUSYBOX_REF, "m1", "sleep", "1000")).code).toBe(0);
    const [pid] = tasks().m1;
    const v1 = hostCgroupFile(pid, "memory", "memory.limit_in_bytes");
    const file = v1 && existsSync(v1) ? v1 : hostCgroupFile(pid, "memory", "memory.max")!;
    expect(readFileSync(file, "utf8").trim()).toBe(String(48 << 20));
    lab.ctr(["task", "kill", "-s", "SIGKILL", "m1"]);
  }, 30_000);

  test("a create failure is the runtime's one line (from its JSON log), and leaves nothing", () => {
    const r = lab.ctr(runArgs("--rm", BUSYBOX_REF, "bad1", "/no/such/program"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("OCI runtime create failed: create bad1: exec /no/such/program: No such file or directory");
    expect(lab.ctr(["task", "ls", "-q"]).stdout).not.toContain("bad1");
    lab.ctr(["containers", "delete", "bad1"]);
    expect(runtimeState(lab.dir, lab.runtimeRoot, "bad1")).toBeUndefined();
  }, 30_000);
});
