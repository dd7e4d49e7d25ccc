// OCI hooks (runtime-spec config.md#posix-platform-hooks) as nsbox-runtime runs them: all six in
// order, each with the state JSON on stdin, its args and env; createContainer in the container's
// namespaces, startContainer inside the container; poststart only after the process has exec'd;
// the failure rules (create-time hooks abort and leave nothing, poststart/poststop only warn) and
// timeouts. Root only.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hook } from "../../src/oci/spec.ts";
import { canRun, nsInode, Sandbox, testSpec } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

const PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

/** A host shell hook: saves its stdin as NAME.json, runs `prelude`, appends "NAME ARG $HOOK_ENV [extra]" to hooks.log. */
function hostHook(name: string, extra = "", prelude = ""): Hook {
  const script = `cat > ${sb.dir}/${name}.json; ${prelude} echo "$0 $1 $HOOK_ENV ${extra}" >> ${sb.dir}/hooks.log`;
  return { path: "/bin/sh", args: ["sh", "-c", script, name, `arg-${name}`], env: [PATH, `HOOK_ENV=env-${name}`] };
}

const hostLog = () => readFileSync(join(sb.dir, "hooks.log"), "utf8").trim().split("\n").map((l) => l.trim());
const stateOf = (name: string) => JSON.parse(readFileSync(join(sb.dir, `${name}.json`), "utf8"));

describe.skipIf(!canRun)("hooks", () => {
  test("all six run in order with the state on stdin, their args and env, each where the spec puts it", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sh", "-c", 'echo "process $(readlink /proc/self/ns/uts) $(readlink /proc/self/ns/pid)" >> /in-container.log; sleep 0.3'], (s) => {
      s.hooks = {
        prestart: [hostHook("prestart")],
        createRuntime: [hostHook("createRuntime", "$(readlink /proc/self/ns/mnt)")],
        // in the container's namespaces, before pivot_root: host paths still resolve
        createContainer: [hostHook("createContainer", "$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/uts) $(readlink /proc/self/ns/pid)")],
        // inside the container: its path and files are the container's. It takes its time, so
        // that the process execs well after `start` has let it go (see poststart).
        startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "sleep 0.3; echo \"$0 $HOOK_ENV\" >> /in-container.log", "startContainer"], env: ["HOOK_ENV=env-startContainer"] }],
        // after the process has exec'd: its /proc/PID/exe is no longer the launcher's
        poststart: [hostHook("poststart", "$exe", `exe=$(readlink /proc/$(grep -o '"pid":[0-9]*' ${sb.dir}/poststart.json | cut -d: -f2)/exe);`)],
        poststop: [hostHook("poststop")],
      };
    }));
    const r = sb.rt(["run", "--bundle", bundle, id]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });

    const hostMnt = `mnt:[${nsInode("self", "mnt")}]`;
    const log = hostLog();
    expect(log.map((l) => l.split(" ")[0])).toEqual(["prestart", "createRuntime", "createContainer", "poststart", "poststop"]);
    for (const line of log) {
      const [name, arg, env] = line.split(" ");
      expect([arg, env]).toEqual([`arg-${name}`, `env-${name}`]);
    }
    expect(log[1]!.split(" ")[3]).toBe(hostMnt); // createRuntime: the runtime's namespace
    // createContainer: in the container's namespaces (those of its init, once known)
    const [, , , ctrMnt, ctrUts, ctrPid] = log[2]!.split(" ");
    expect(ctrMnt).not.toBe(hostMnt);
    const inContainer = readFileSync(join(bundle, "rootfs/in-container.log"), "utf8");
    expect(inContainer).toBe(`startContainer env-startContainer\nprocess ${ctrUts} ${ctrPid}\n`);
    expect(ctrUts).not.toBe(`uts:[${nsInode("self", "uts")}]`);
    expect(log[3]!.split(" ")[3]).toBe("/bin/busybox"); // poststart: the process has exec'd

    const pid = stateOf("createRuntime").pid;
    expect(pid).toBeGreaterThan(0);
    const expected = { prestart: "created", createRuntime: "creating", createContainer: "creating", poststart: "running", poststop: "stopped" };
    for (const [name, status] of Object.entries(expected)) {
      const st = stateOf(name);
      expect({ name, ociVersion: typeof st.ociVersion, id: st.id, status: st.status, pid: st.pid, bundle: st.bundle }).toEqual({
        name, ociVersion: "string", id, status, pid, bundle,
      });
    }
  });

  for (const kind of ["prestart", "createRuntime", "createContainer"] as const) {
    test(`a failing ${kind} hook fails create with one line, and nothing is left`, () => {
      const id = sb.id();
      const bundle = sb.bundle(testSpec(["true"], (s) => {
        s.hooks = { [kind]: [{ path: "/bin/sh", args: ["sh", "-c", "exit 7"] }] };
      }));
      const r = sb.rt(["create", "--bundle", bundle, id]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`nsbox-runtime: create ${id}: ${kind} hook /bin/sh: exited with status 7\n`);
      expect(existsSync(join(sb.root, id))).toBe(false);
    });
  }

  test("a hook over its timeout is killed and fails create", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["true"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/sleep", args: ["sleep", "10"], timeout: 1 }] };
    }));
    const t0 = Date.now();
    const r = sb.rt(["create", "--bundle", bundle, id]);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nsbox-runtime: create ${id}: createRuntime hook /bin/sleep: timed out after 1s\n`);
    expect(existsSync(join(sb.root, id))).toBe(false);
  });

  test("a failing startContainer hook stops the container before its process runs", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo ran > /ran"], (s) => {
      s.hooks = { startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "exit 3"] }] };
    }));
    const r = sb.rt(["run", "--bundle", bundle, id]);
    expect(r.code).toBe(1);
    // run has no start gate (no exec fifo), so the hook fails while create still follows the
    // launcher: the one line of any create failure, and nothing is left.
    expect(r.stderr).toBe(`nsbox-runtime: create ${id}: startContainer hook /bin/sh: exited with status 3\n`);
    expect(existsSync(join(bundle, "rootfs/ran"))).toBe(false);
    expect(existsSync(join(sb.root, id))).toBe(false);
  });

  test("failing poststart and poststop hooks are warnings: the others still run, the lifecycle goes on", () => {
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sh", "-c", "exit 4"], (s) => {
      s.hooks = {
        poststart: [{ path: "/bin/false" }, hostHook("poststart")],
        poststop: [{ path: "/bin/false" }, hostHook("poststop")],
      };
    }));
    const r = sb.rt(["run", "--bundle", bundle, id]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      `nsbox-runtime: warning: poststart hook /bin/false: exited with status 1\n` +
        `nsbox-runtime: warning: poststop hook /bin/false: exited with status 1\n`,
    );
    expect(hostLog().map((l) => l.split(" ")[0])).toEqual(["poststart", "poststop"]);
    expect(existsSync(join(sb.root, id))).toBe(false);
  });
});
