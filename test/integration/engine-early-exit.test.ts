// `nsbox run` through the C front end (bin/nsbox, native/nsbox/early_exit.c): the compiled CLI runs
// as its child and tells it its exit code on a pipe just before its _exit, so the command returns
// without waiting for the Bun process's teardown. What a caller sees must be what the exec'd CLI
// gave: output, exit codes, signals passed on, no leaked pipe or variable, and a killed front end
// taking its child with it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineLab, top } from "./engine-util.ts";

const FRONT = join(top, "bin/nsbox");
let lab: EngineLab;

beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

function front(args: string[]) {
  const p = Bun.spawnSync([FRONT, ...args], { env: lab.env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, signal: p.signalCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** The front end's child (the Bun CLI), once it has one. */
function childOf(pid: number): number | undefined {
  try {
    const c = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0];
    return c ? Number(c) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

test("run --rm: the container's output and exit code; --root before the command too", () => {
  expect(front(["run", "--rm", "--net", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"])).toEqual({
    code: 7, signal: undefined, stdout: "out\n", stderr: "err\n",
  });
  expect(front(["--root", lab.root, "run", "--rm", "--net", "none", "busybox", "true"]).code).toBe(0);
  expect(lab.nsbox(["ps", "-aq"]).stdout).toBe("");
});

test("run errors keep docker's exit codes (127, 125)", () => {
  const r = front(["run", "--rm", "--net", "none", "busybox", "nosuchcmd"]);
  expect(r.code).toBe(127);
  expect(r.stderr).toContain('exec: "nosuchcmd": executable file not found');
  expect(front(["run", "--net", "none", "--memory", "lots", "busybox", "true"]).code).toBe(125);
});

test("the pipe and its variable reach neither the container nor the monitor", () => {
  const env = front(["run", "--rm", "--net", "none", "busybox", "env"]).stdout;
  expect(env).not.toContain("NSBOX_DONE_FD");
  const fds = front(["run", "--rm", "--net", "none", "busybox", "ls", "/proc/self/fd"]).stdout.trim().split("\n");
  expect(fds.sort()).toEqual(["0", "1", "2", "3"]); // ls's own directory fd is 3
});

test("run -d prints the id and returns; the container runs on", () => {
  const r = front(["run", "-d", "--name", "bg", "--net", "none", "busybox", "sleep", "30"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  expect(lab.inspect("bg").State.Running).toBe(true);
  lab.ok(["rm", "-f", "bg"]);
});

test("SIGTERM sent to the front end reaches the container (sig-proxy), once", async () => {
  // The container's init (PID 1: no default action for TERM) counts the TERMs it gets for 0.3 s.
  const script = 'n=0; trap "n=$((n+1))" TERM; echo up; while [ $n = 0 ]; do sleep 0.05; done; sleep 0.3; exit $((40+n))';
  const p = Bun.spawn([FRONT, "run", "--rm", "--name", "term", "--net", "none", "busybox", "sh", "-c", script], { env: lab.env, stdout: "pipe", stderr: "ignore" });
  const reader = p.stdout.getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toBe("up\n");
  p.kill("SIGTERM");
  expect(await p.exited).toBe(41);
  expect(lab.nsbox(["ps", "-aq"]).stdout).toBe("");
});

test("kill -9 of the front end kills the CLI under it, as it killed the exec'd CLI", async () => {
  const p = Bun.spawn([FRONT, "run", "--rm", "--name", "k9", "--net", "none", "busybox", "sleep", "2"], { env: lab.env, stdout: "ignore", stderr: "ignore" });
  await lab.until("running", () => lab.nsbox(["ps", "-q", "--filter", "name=k9"]).stdout.trim() !== "");
  const cli = childOf(p.pid)!;
  expect(cli).toBeGreaterThan(0);
  p.kill("SIGKILL");
  await p.exited;
  // Well before the container's end, after which a CLI left alive would end by itself.
  await lab.until("the CLI gone", () => !alive(cli), 1000);
  // Its lease gone with it, the monitor's cleanup removes the container.
  await lab.until("removed by the monitor's cleanup", () => lab.nsbox(["ps", "-aq"]).stdout === "", 5000);
});

test("a CLI killed by a signal: the front end ends by the same signal", async () => {
  const p = Bun.spawn([FRONT, "run", "--rm", "--name", "sig", "--net", "none", "busybox", "sleep", "0.5"], { env: lab.env, stdout: "ignore", stderr: "ignore" });
  await lab.until("running", () => lab.nsbox(["ps", "-q", "--filter", "name=sig"]).stdout.trim() !== "");
  process.kill(childOf(p.pid)!, "SIGKILL");
  await p.exited;
  expect(p.signalCode).toBe("SIGKILL");
  await lab.until("removed by the monitor's cleanup", () => lab.nsbox(["ps", "-aq"]).stdout === "", 5000);
});
