// bin/nsbox-runtime is the C front end (native/nsbox, the binary bin/nsbox is, told apart by its
// name): it runs libexec/nsbox-runtime, the compiled TypeScript, as its child and returns once
// that has written its exit code on a pipe (NSBOX_DONE_FD, src/common/done-fd.ts), not after the
// kernel has torn the Bun process down. What podman, containerd or a person sees must be what the
// compiled runtime gave by itself: output (read to its end), exit codes, one error line, signals
// passed on, no pipe or variable leaking into the container. Root only; a sandbox per test.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canRun, cgroupDirs, cmdline, processesRootedIn, Sandbox, testSpec, top } from "../helpers/runtime.ts";

const FRONT = join(top, "bin/nsbox-runtime");
const usable = canRun && existsSync(FRONT) && existsSync(join(top, "libexec/nsbox-runtime"));

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/**
 * The front end returns before its child is gone: for a millisecond or so the kernel still tears
 * that Bun process down (no command line any more: its memory is going). Waits for that, so the
 * sandbox's check for processes left behind counts only real ones; one still there after a
 * second is left for that check to report.
 */
function awaitExiting(): void {
  const deadline = Date.now() + 1000;
  while (Date.now() < deadline && processesRootedIn(sb.dir).some((pid) => cmdline(pid) === "")) Bun.sleepSync(1);
}

let seq = 0;
/** Output through files, as Sandbox.rt: a container inherits them and would hold a pipe open. */
function front(args: string[]) {
  const out = join(sb.dir, `front-${++seq}`);
  const p = Bun.spawnSync([FRONT, "--root", sb.root, ...args], { stdout: Bun.file(out), stderr: Bun.file(`${out}.err`), cwd: sb.dir });
  awaitExiting();
  return { code: p.exitCode, signal: p.signalCode ?? undefined, stdout: readFileSync(out, "utf8"), stderr: readFileSync(`${out}.err`, "utf8") };
}

/** Through pipes, read to their end: what podman's `state` does. */
function piped(args: string[]) {
  const p = Bun.spawnSync([FRONT, "--root", sb.root, ...args], { stdout: "pipe", stderr: "pipe", cwd: sb.dir });
  awaitExiting();
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

describe.skipIf(!usable)("bin/nsbox-runtime, the front end", () => {
  test("run: the container's output and exit code; nothing left after it", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo out; echo err >&2; exit 7"]));
    expect(front(["run", "--bundle", bundle, id])).toEqual({ code: 7, signal: undefined, stdout: "out\n", stderr: "err\n" });
    expect(existsSync(join(sb.root, id))).toBe(false);
  });

  test("a failing create: one line, exit 1, nothing left", () => {
    const id = sb.id();
    const spec = testSpec(["true"]);
    delete spec.process;
    const r = front(["create", "--bundle", sb.bundle(spec), id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("nsbox-runtime: config.json: process: is required to create a container\n");
    expect(existsSync(join(sb.root, id))).toBe(false);
  });

  test("create, state read through a pipe to its end, start, delete", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sleep", "30"]));
    expect(front(["create", "--bundle", bundle, id]).code).toBe(0);
    const state = piped(["state", id]);
    expect(JSON.parse(state.stdout)).toMatchObject({ id, status: "created", bundle });
    expect(front(["start", id]).code).toBe(0);
    expect(JSON.parse(piped(["state", id]).stdout).status).toBe("running");
    expect(piped(["state", "nosuch"])).toEqual({ code: 1, stdout: "", stderr: 'nsbox-runtime: container "nosuch" does not exist\n' });
    expect(front(["delete", "--force", id])).toMatchObject({ code: 0, stderr: "" });
  });

  test("start is done in C when create left it nothing else to do (no poststart hooks)", () => {
    // A copy of the front end with no libexec/ beside it: whatever would need the TypeScript
    // runtime fails, so the start that succeeds was native/nsbox/fast_start.c's.
    const lone = join(sb.dir, "lone/bin/nsbox-runtime");
    mkdirSync(join(sb.dir, "lone/bin"), { recursive: true });
    copyFileSync(FRONT, lone);
    const id = sb.id();
    expect(front(["create", "--bundle", sb.bundle(testSpec(["sleep", "30"])), id]).code).toBe(0);
    const alone = (args: string[]) => Bun.spawnSync([lone, "--root", sb.root, ...args], { stdout: "pipe", stderr: "pipe" });
    expect(alone(["state", id]).stderr.toString()).toStartWith("nsbox-runtime: cannot find the nsbox-runtime program");
    expect(alone(["--log-format", "json", "start", id]).exitCode).toBe(0);
    expect(existsSync(join(sb.root, id, "exec.fifo"))).toBe(false);
    expect(JSON.parse(piped(["state", id]).stdout).status).toBe("running");
    // Started: a second start is the TypeScript runtime's to refuse.
    expect(front(["start", id])).toMatchObject({ code: 1, stderr: `nsbox-runtime: start ${id}: cannot start a container that is running\n` });
    expect(front(["delete", "--force", id]).code).toBe(0);
  });

  test("delete of a stopped container is done in C when create left it nothing else to do (no poststop hooks)", async () => {
    const lone = join(sb.dir, "lone/bin/nsbox-runtime");
    mkdirSync(join(sb.dir, "lone/bin"), { recursive: true });
    copyFileSync(FRONT, lone);
    const alone = (args: string[]) => Bun.spawnSync([lone, "--root", sb.root, ...args], { stdout: "pipe", stderr: "pipe" });
    const id = sb.id();
    expect(front(["create", "--bundle", sb.bundle(testSpec(["true"])), id]).code).toBe(0);
    expect(cgroupDirs(id).length).toBeGreaterThan(0);
    // Created (its init alive, waiting for start): not C's to decide, even with --force.
    expect(alone(["delete", "--force", id]).stderr.toString()).toStartWith("nsbox-runtime: cannot find the nsbox-runtime program");
    expect(alone(["start", id]).exitCode).toBe(0);
    for (let i = 0; i < 200 && JSON.parse(piped(["state", id]).stdout).status !== "stopped"; i++) await Bun.sleep(5);
    expect(alone(["delete", "--force", id])).toMatchObject({ exitCode: 0 });
    expect(existsSync(join(sb.root, id))).toBe(false);
    expect(cgroupDirs(id)).toEqual([]);

    // With poststop hooks delete is the TypeScript runtime's, which runs them.
    const hooked = sb.id();
    const mark = join(sb.dir, "poststop-ran");
    const bundle = sb.bundle(testSpec(["true"], (s) => {
      s.hooks = { poststop: [{ path: "/bin/sh", args: ["sh", "-c", `echo ran > ${mark}`] }] };
    }));
    expect(front(["create", "--bundle", bundle, hooked]).code).toBe(0);
    expect(existsSync(join(sb.root, hooked, "delete-fast"))).toBe(false);
    expect(front(["start", hooked]).code).toBe(0);
    expect(front(["delete", "--force", hooked]).code).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("ran\n");
  });

  test("start goes to the TypeScript runtime when there are poststart hooks, or the init died", () => {
    const hooked = sb.id();
    const mark = join(sb.dir, "poststart-ran");
    const bundle = sb.bundle(testSpec(["sleep", "30"], (s) => {
      s.hooks = { poststart: [{ path: "/bin/sh", args: ["sh", "-c", `echo ran > ${mark}`] }] };
    }));
    expect(front(["create", "--bundle", bundle, hooked]).code).toBe(0);
    expect(existsSync(join(sb.root, hooked, "start-fast"))).toBe(false);
    expect(front(["start", hooked]).code).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("ran\n");
    expect(front(["delete", "--force", hooked]).code).toBe(0);

    const died = sb.id();
    expect(front(["create", "--bundle", sb.bundle(testSpec(["sleep", "30"])), died]).code).toBe(0);
    const pid = JSON.parse(piped(["state", died]).stdout).pid;
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 200 && existsSync(`/proc/${pid}/stat`) && !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8")); i++) Bun.sleepSync(5);
    expect(front(["start", died])).toMatchObject({ code: 1, stderr: `nsbox-runtime: start ${died}: cannot start a container that is stopped\n` });
    expect(front(["delete", "--force", died]).code).toBe(0);
  });

  test("the done pipe and its variable do not reach the container", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "env; ls /proc/self/fd"]));
    const r = front(["run", "--bundle", bundle, sb.id()]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("NSBOX_DONE_FD");
    // sh's env, then ls's fds: 0-2 and its own directory fd
    expect(r.stdout.trim().split("\n").slice(-4)).toEqual(["0", "1", "2", "3"]);
  });

  test("SIGTERM sent to the front end reaches the container (run in the foreground)", async () => {
    const script = 'trap "echo TERM > /sig; exit 0" TERM; echo ready > /ready; while :; do sleep 0.02; done';
    const bundle = sb.bundle(testSpec(["sh", "-c", script]));
    const p = Bun.spawn([FRONT, "--root", sb.root, "run", "--bundle", bundle, sb.id()], { stdout: "ignore", stderr: "ignore", cwd: sb.dir });
    for (let i = 0; i < 500 && !existsSync(join(bundle, "rootfs/ready")); i++) await Bun.sleep(10);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    awaitExiting();
    expect(await Bun.file(join(bundle, "rootfs/sig")).text()).toBe("TERM\n");
  });
});
