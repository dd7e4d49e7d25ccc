// SCMP_ACT_NOTIFY through the real launcher: the filter's listener fd reaches the agent at
// linux.seccomp.listenerPath over SCM_RIGHTS, with the container process state (OCI runtime-spec
// config-linux.md "listenerPath") carrying the process's host PID; the agent (test/helpers/
// seccomp-agent.c, compiled here) answers mkdir for the container, which then "succeeds" on a
// read-only rootfs. Needs root and cc.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, LAUNCHER_PATH, LaunchError } from "../../src/linux/launcher.ts";
import { seccompListenerState, type LaunchPlan } from "../../src/linux/plan.ts";
import { compileSeccomp } from "../../src/oci/seccomp/index.ts";
import { busyboxPlan, ROOTFS } from "./launcher-util.ts";

const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH) && existsSync(`${ROOTFS}/bin/busybox`) && Bun.which("cc") !== null;
const dir = mkdtempSync(join(tmpdir(), "nsbox-notify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AGENT = join(dir, "seccomp-agent");
function buildAgent() {
  if (existsSync(AGENT)) return;
  const cc = Bun.spawnSync(["cc", "-O2", "-Wall", "-o", AGENT, join(import.meta.dir, "../helpers/seccomp-agent.c")], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`cc: ${cc.stderr}`);
}

/** Starts the agent on a fresh socket; resolves once it listens. */
async function startAgent(name: string) {
  buildAgent();
  const sock = join(dir, `${name}.sock`);
  const proc = Bun.spawn([AGENT, sock], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("listening\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("agent ended before listening");
    out += new TextDecoder().decode(value);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      out += new TextDecoder().decode(value);
    }
  })();
  return { sock, proc, output: rest };
}

const notifyMkdir = (listenerPath: string) =>
  compileSeccomp({
    defaultAction: "SCMP_ACT_ALLOW",
    listenerPath,
    syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY" }],
  });

const stateOf = (pid: number) => ({
  ociVersion: "1.0.2",
  fds: ["seccompFd"],
  pid,
  metadata: "MKDIR=fake",
  state: { ociVersion: "1.0.2", id: "notify-test", status: "creating", pid, bundle: "/bundle", annotations: { a: "b" } },
});

async function runContainer(plan: Partial<LaunchPlan>) {
  const out = openSync(join(dir, "out"), "w");
  try {
    const launched = await launch(busyboxPlan(["sh", "-c", "mkdir /made-up && echo mkdir said yes; test -d /made-up || echo but nothing was made"], plan), { stdio: ["ignore", out, out] });
    return { pid: launched.pid, status: await launched.exited, output: readFileSync(join(dir, "out"), "utf8") };
  } finally {
    closeSync(out);
  }
}

describe.skipIf(!usable)("seccomp listener (SCMP_ACT_NOTIFY)", () => {
  for (const noNewPrivileges of [false, true]) {
    test(`the agent gets the fd and the state, and answers mkdir (no_new_privs ${noNewPrivileges})`, async () => {
      const agent = await startAgent(`nnp-${noNewPrivileges}`);
      const r = await runContainer({
        noNewPrivileges,
        seccomp: notifyMkdir(agent.sock),
        seccompListener: { path: agent.sock, state: seccompListenerState(stateOf) },
      });
      expect(await agent.proc.exited).toBe(0);
      const lines = (await agent.output).split("\n");
      const state = JSON.parse(lines.find((l) => l.startsWith("state "))!.slice(6));
      expect(state).toEqual(stateOf(r.pid)); // the host PID, as `launch` reported it
      expect(lines.filter((l) => l.startsWith("notify ")).length).toBeGreaterThanOrEqual(1);
      expect(lines).toContain("done");
      expect(r).toEqual({ pid: r.pid, status: 0, output: "mkdir said yes\nbut nothing was made\n" });
    });
  }

  test("a state larger than the socket buffer arrives whole (several sendmsg, the fd in the first)", async () => {
    const agent = await startAgent("big");
    const big = (pid: number) => ({ ...stateOf(pid), metadata: "m".repeat(600_000) });
    const r = await runContainer({ seccomp: notifyMkdir(agent.sock), seccompListener: { path: agent.sock, state: seccompListenerState(big) } });
    expect(await agent.proc.exited).toBe(0);
    const line = (await agent.output).split("\n").find((l) => l.startsWith("state "))!;
    expect(JSON.parse(line.slice(6))).toEqual(big(r.pid));
    expect(r.status).toBe(0);
  });

  test("no agent listening: the launch fails naming the socket, before the process exists", async () => {
    const sock = join(dir, "nobody.sock");
    const err = await runContainer({ seccomp: notifyMkdir(sock), seccompListener: { path: sock, state: ["{}"] } }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.stage, err.step, err.path, err.code]).toEqual(["stage0", "connect seccomp listener socket", sock, "ENOENT"]);
  });

  test("a NEW_LISTENER filter without a listener socket is a malformed plan", async () => {
    const err = await runContainer({ seccomp: notifyMkdir("/unused") }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect(err.message).toMatch(/NEW_LISTENER needs PA_SECCOMP_LISTENER/);
  });
});
