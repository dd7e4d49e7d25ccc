// runc's exec flags beyond the process settings: --cgroup (a sub-cgroup of the container's),
// --ignore-paused, --apparmor/--process-label (applied like config.json's). Root only.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { canRun, cgroupDirs, oneErrorLine, Sandbox, testSpec } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** A detached container running `sleep 60`, and its memory cgroup directory on the host. */
function sleeper(): { id: string; memoryDir: string } {
  const id = sb.id();
  expect(sb.rt(["run", "-d", "--bundle", sb.bundle(testSpec(["sleep", "60"])), id]).code).toBe(0);
  const memoryDir = cgroupDirs(id).find((d) => d.includes("/memory/"))!;
  expect(memoryDir).toBeDefined();
  return { id, memoryDir };
}

describe.skipIf(!canRun)("exec --cgroup", () => {
  test("CONTROLLER:PATH: the process runs in that sub-cgroup for that controller only; delete removes it", () => {
    const { id, memoryDir } = sleeper();
    mkdirSync(join(memoryDir, "sub"));
    const r = sb.rt(["exec", "--cgroup", "memory:sub", id, "sh", "-c", "grep -E ':(memory|pids):' /proc/self/cgroup | sort"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    // inside its cgroup namespace the container's own cgroup is "/"
    expect(r.stdout.trim().split("\n").map((l) => l.split(":").slice(1).join(":"))).toEqual(["memory:/sub", "pids:/"]);
    expect(sb.rt(["delete", "--force", id]).code).toBe(0);
    expect(existsSync(memoryDir)).toBe(false);
  });

  test("a sub-cgroup that does not exist, or a path out of the container's cgroup: one line, exit 1", () => {
    const { id } = sleeper();
    const missing = sb.rt(["exec", "--cgroup", "nosuch", id, "true"]);
    expect(missing.code).toBe(1);
    expect(oneErrorLine(missing)).toMatch(new RegExp(`^nsbox-runtime: exec ${id}: .*/nsbox-runtime/${id}/nosuch: No such file or directory$`));
    const out = sb.rt(["exec", "--cgroup", "../other", id, "true"]);
    expect(out).toEqual({ code: 1, stdout: "", stderr: `nsbox-runtime: exec ${id}: --cgroup "../other": expected a path inside the container's cgroup, e.g. "sub" or "memory:sub"\n` });
  });
});

describe.skipIf(!canRun)("exec into a paused container", () => {
  test("refused without --ignore-paused; with it the process starts once the container is resumed", async () => {
    const { id } = sleeper();
    expect(sb.rt(["pause", id]).code).toBe(0);
    expect(sb.rt(["exec", id, "true"])).toEqual({
      code: 1, stdout: "", stderr: `nsbox-runtime: exec ${id}: cannot exec in a paused container (resume it, or use --ignore-paused)\n`,
    });
    const exec = sb.spawn(["exec", "--ignore-paused", id, "echo", "ran"]);
    await Bun.sleep(300);
    expect(exec.exitCode).toBeNull(); // frozen with the container's other processes
    expect(sb.rt(["resume", id]).code).toBe(0);
    expect(await exec.exited).toBe(0);
    expect(await new Response(exec.stdout).text()).toBe("ran\n");
  });
});

describe.skipIf(!canRun)("exec --apparmor / --process-label", () => {
  test("applied like config.json's: on a kernel without AppArmor/SELinux the exec fails with one line naming the step", () => {
    const { id } = sleeper();
    const r = sb.rt(["exec", "--apparmor", "nsbox-test", id, "true"]);
    if (existsSync("/sys/kernel/security/apparmor")) {
      expect(r.code).not.toBe(0); // the profile does not exist
    } else {
      expect(r.code).toBe(1);
      expect(oneErrorLine(r)).toMatch(new RegExp(`^nsbox-runtime: exec ${id}: set apparmor profile /proc/self/attr/.*: No such file or directory$`));
    }
    const label = sb.rt(["exec", "--process-label", "system_u:system_r:container_t:s0", id, "true"]);
    if (!existsSync("/sys/fs/selinux/enforce")) {
      expect(label.code).toBe(1);
      expect(oneErrorLine(label)).toBe(`nsbox-runtime: exec ${id}: set selinux label /proc/self/attr/exec: Invalid argument`);
    }
  });
});
