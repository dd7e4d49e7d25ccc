// The inspection and copy commands on a running container: top, stats, cp both ways, attach,
// port with -p, OOM kill reported as docker does, and the monitor's footprint.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { EngineLab, monitorPids, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
  lab.ok(["run", "-d", "--name", "tools", "--net", "none", "-m", "32m", "--pids-limit", "20", "busybox", "sh", "-c", "sleep 300 & exec sleep 301"]);
});
afterAll(async () => {
  await lab.destroy();
});

test("top lists the container's processes with ps columns", () => {
  const out = lab.ok(["top", "tools"]).split("\n");
  expect(out[0]).toMatch(/^UID\s+PID\s+PPID/);
  expect(out.slice(1).map((l) => l.replace(/.*\d\d:\d\d:\d\d /, "")).sort()).toEqual(["sleep 300", "sleep 301"]);
  expect(lab.ok(["top", "tools", "-o", "pid,comm"]).split("\n")[0]).toMatch(/PID\s+COMMAND/);
});

test("stats --no-stream: memory limit and pids from the cgroup", () => {
  const [header, row] = lab.ok(["stats", "--no-stream", "tools"]).split("\n");
  expect(header).toMatch(/^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  expect(row).toMatch(/tools\s+\d+\.\d\d%\s+[\d.]+[KM]iB \/ 32MiB\s+[\d.]+%\s+0B \/ 0B\s+\S+ \/ \S+\s+2$/);
});

test("top lists exec'd processes too (detached and attached): every PID in the container's cgroup", async () => {
  lab.ok(["exec", "-d", "tools", "sleep", "302"]);
  const attached = lab.nsboxAsync(["exec", "tools", "sleep", "303"]);
  const cmds = () => lab.ok(["top", "tools", "-o", "pid,args"]).split("\n").slice(1).map((l) => l.trim().split(/\s+/));
  await lab.until("the attached exec in top", () => cmds().some((c) => c[2] === "303"));
  const rows = cmds();
  expect(rows.map((c) => c.slice(1).join(" ")).sort()).toEqual(["sleep 300", "sleep 301", "sleep 302", "sleep 303"]);
  for (const c of rows.filter((c) => c[2] === "302" || c[2] === "303")) process.kill(Number(c[0]), "SIGKILL");
  expect((await attached).code).toBe(137);
});

test("exec -d returns at once with its output piped; the process gets /dev/null, as docker's", async () => {
  // Through a pipe the CLI can only finish reading once every writer is gone: a detached process
  // holding our stdout or stderr would keep `nsbox exec -d … | cat` waiting for it.
  const t0 = Date.now();
  const p = Bun.spawn([...NSBOX, "exec", "-d", "tools", "sh", "-c", "echo out; echo err >&2; exec sleep 30"], { env: lab.env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect({ code, out, err }).toEqual({ code: 0, out: "", err: "" });
  expect(Date.now() - t0).toBeLessThan(10_000); // the process sleeps 30 s: we did not wait for it
  const row = lab.ok(["top", "tools", "-o", "pid,args"]).split("\n").find((l) => / sleep 30$/.test(l));
  expect(row).toBeDefined();
  const pid = Number(row!.trim().split(/\s+/)[0]);
  for (const fd of [0, 1, 2]) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toBe("/dev/null");
  process.kill(pid, "SIGKILL");
  // A command that cannot run is still an error, with docker's codes.
  expect(lab.nsbox(["exec", "-d", "tools", "nosuchcmd"])).toMatchObject({ code: 127, stderr: 'nsbox: exec failed: exec: "nosuchcmd": executable file not found in $PATH\n' });
});

test("cp both ways, into a directory or to a new name", () => {
  const dir = mkdtempSync("/tmp/nsbox-cp-");
  try {
    writeFileSync(`${dir}/in.txt`, "to the container\n");
    lab.ok(["cp", `${dir}/in.txt`, "tools:/tmp"]);
    expect(lab.ok(["exec", "tools", "cat", "/tmp/in.txt"])).toBe("to the container");
    lab.ok(["cp", "tools:/etc/hostname", `${dir}/hn`]);
    expect(readFileSync(`${dir}/hn`, "utf8").trim()).toBe(lab.inspect("tools").Config.Hostname);
    lab.ok(["cp", "tools:/etc", dir]);
    expect(readFileSync(`${dir}/etc/passwd`, "utf8")).toMatch(/^root:/);
    expect(lab.nsbox(["cp", "tools:/nonexistent", dir]).code).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("attach follows a running container's output and returns its exit code", async () => {
  lab.ok(["run", "-d", "--name", "talker", "--net", "none", "busybox", "sh", "-c", "sleep 0.5; echo late; exit 9"]);
  const r = await lab.nsboxAsync(["attach", "talker"]);
  expect(r).toMatchObject({ code: 9, stdout: "late\n" });
  lab.ok(["rm", "talker"]);
});

test("an OOM kill: OOMKilled true, exit code 137", () => {
  const r = lab.nsbox(["run", "--name", "oom", "--net", "none", "-m", "8m", "--memory-swap", "8m", "busybox", "sh", "-c", 'x=a; while true; do x="$x$x"; done']);
  expect(r.code).toBe(137);
  expect(lab.inspect("oom").State).toMatchObject({ OOMKilled: true, ExitCode: 137, Status: "exited" });
  lab.ok(["rm", "oom"]);
});

test("a monitor stays under 2 MiB of RSS (conmon's footprint)", () => {
  const pids = monitorPids(lab.root);
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
    expect(kb).toBeLessThanOrEqual(2048);
  }
});

test("attach sessions come and go (more than the monitor's 16 slots) without stalling the container", async () => {
  lab.ok(["run", "-d", "--name", "ticker", "--net", "none", "busybox", "sh", "-c", "while true; do echo tick; sleep 0.05; done"]);
  for (let i = 0; i < 20; i++) {
    const p = Bun.spawn([...NSBOX, "attach", "ticker"], { env: lab.env, stdout: "pipe", stderr: "ignore" });
    const reader = (p.stdout as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // got output
    p.kill("SIGKILL");
    await p.exited;
  }
  const r = Bun.spawn(["sh", "-c", `${NSBOX.map((a) => `'${a}'`).join(" ")} attach ticker | head -1`], { env: lab.env, stdout: "pipe" });
  expect(await new Response(r.stdout).text()).toBe("tick\n");
  expect(await r.exited).toBe(0);
  lab.ok(["rm", "-f", "ticker"]);
}, 20000);
