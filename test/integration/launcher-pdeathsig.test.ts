// PA_PDEATHSIG: the program's parent-death signal refers to stage 0 (which stays), not to the
// short-lived stage 1, and stage 0 itself dies with its caller, so killing the caller (nsbox)
// kills the program. Needs root.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { launch, LAUNCHER_PATH } from "../../src/linux/launcher.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";
import { CLONE } from "../../src/linux/plan-ids.ts";

const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH);
const HELPER = join(import.meta.dir, "../helpers/launch-plan.ts");
const SIGTERM = 15;

const env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"];
const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
};
async function until(cond: () => boolean, ms = 3000) {
  for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(10)) if (cond()) return true;
  return cond();
}

describe.skipIf(!usable)("PA_PDEATHSIG", () => {
  for (const [name, ns] of [["same PID namespace", 0], ["new PID namespace (the program is its init)", CLONE.NEWPID]] as const) {
    test(`${name}: the program outlives stage 1 and its parent is stage 0`, async () => {
      // Before the fix stage 2's parent was stage 1, which exits at once: SIGKILL, status 137.
      for (let i = 0; i < 3; i++) {
        const l = await launch({ args: ["sh", "-c", "sleep 0.2; exit 3"], env, foreground: true, pdeathsig: 9, newNamespaces: ns || undefined });
        const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${l.pid}/status`, "utf8"))![1]);
        // the launcher runs from a sealed memfd copy of itself (native/launcher/sealed_exe.c)
        expect(readlinkSync(`/proc/${ppid}/exe`)).toMatch(/^\/memfd:nsbox-launcher /);
        expect(await l.exited).toBe(3);
      }
    });
  }

  test("stage 0 killed: the program gets the signal; without PA_PDEATHSIG it lives on", async () => {
    const plan: LaunchPlan = { args: ["sleep", "30"], env, foreground: true };
    const withSig = await launch({ ...plan, pdeathsig: SIGTERM });
    const without = await launch(plan);
    withSig.signal("SIGKILL");
    without.signal("SIGKILL");
    await Promise.all([withSig.exited, without.exited]);
    expect(await until(() => !alive(withSig.pid))).toBe(true);
    expect(alive(without.pid)).toBe(true);
    process.kill(without.pid, "SIGKILL");
  });

  test("the caller killed: stage 0 dies with it, then the program", async () => {
    const plan: LaunchPlan = { args: ["sleep", "30"], env, foreground: true, pdeathsig: SIGTERM };
    const caller = Bun.spawn([process.execPath, HELPER, JSON.stringify(plan)], { stdout: "ignore", stderr: "pipe" });
    const reader = caller.stderr.getReader();
    let text = "";
    while (!/pid \d+\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`helper ended: ${text}`);
      text += new TextDecoder().decode(value);
    }
    const pid = Number(/pid (\d+)/.exec(text)![1]);
    expect(alive(pid)).toBe(true);
    caller.kill("SIGKILL");
    expect(await until(() => !alive(pid))).toBe(true);
  });

  test("without PA_FOREGROUND the plan is refused (stage 0 would not stay)", async () => {
    await expect(launch({ args: ["true"], env, pdeathsig: 9 })).rejects.toThrow(/needs PA_FOREGROUND/);
  });
});
