// `nsbox wait --condition` with docker's API semantics: not-running returns at once for a stopped
// container, next-exit waits for the next run's exit (also one a restart policy follows), removed
// waits for rm or a --rm cleanup and still reports the exit code.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EngineLab, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

/** Starts `nsbox wait ...` in the background; `settled()` tells whether it has returned yet. */
function waitInBackground(args: string[]) {
  let done = false;
  const p = Bun.spawn([...NSBOX, "wait", ...args], { env: lab.env, stdout: "pipe", stderr: "pipe" });
  const result = Promise.all([new Response(p.stdout).text(), p.exited]).then(([out, code]) => {
    done = true;
    return { out: out.trim(), code };
  });
  return { result, settled: () => done };
}

test("not-running (the default): at once for created and exited containers, else at the exit", async () => {
  lab.ok(["create", "--name", "w-created", "--net", "none", "busybox", "sh", "-c", "exit 5"]);
  expect(lab.ok(["wait", "w-created"])).toBe("0");
  expect(lab.ok(["wait", "--condition", "not-running", "w-created"])).toBe("0");
  lab.ok(["start", "w-created"]);
  expect(lab.ok(["wait", "w-created"])).toBe("5");
  expect(lab.ok(["wait", "w-created"])).toBe("5"); // exited: returns at once
  lab.ok(["rm", "w-created"]);

  lab.ok(["run", "-d", "--name", "w-run", "--net", "none", "busybox", "sh", "-c", "sleep 0.5; exit 3"]);
  const t0 = Date.now();
  expect(lab.ok(["wait", "w-run"])).toBe("3");
  expect(Date.now() - t0).toBeGreaterThan(200);
  lab.ok(["rm", "w-run"]);
});

test("next-exit waits for the next run of an exited container", async () => {
  lab.ok(["run", "-d", "--name", "w-next", "--net", "none", "busybox", "sh", "-c", "sleep 0.3; exit ${CODE:-4}"]);
  expect(lab.ok(["wait", "w-next"])).toBe("4");
  const w = waitInBackground(["--condition", "next-exit", "w-next"]);
  await Bun.sleep(500);
  expect(w.settled()).toBe(false); // already exited: next-exit waits for another run
  lab.ok(["start", "w-next"]);
  expect(await w.result).toEqual({ out: "4", code: 0 });
  lab.ok(["rm", "w-next"]);
});

test("an exit followed by a policy restart ends the wait (docker's behaviour)", async () => {
  lab.ok(["run", "-d", "--name", "w-always", "--net", "none", "--restart", "always", "busybox", "sh", "-c", "sleep 0.3; exit 6"]);
  expect(lab.ok(["wait", "--condition", "next-exit", "w-always"])).toBe("6");
  await lab.until("restarted", () => lab.inspect("w-always").RestartCount >= 1);
  expect(lab.ok(["wait", "w-always"])).toBe("6");
  lab.ok(["rm", "-f", "w-always"]);
});

test("removed: not at the exit, but at rm -f from another process, with the exit code", async () => {
  lab.ok(["run", "-d", "--name", "w-rm", "--net", "none", "busybox", "sleep", "30"]);
  const w = waitInBackground(["--condition", "removed", "w-rm"]);
  await Bun.sleep(300);
  lab.ok(["kill", "w-rm"]);
  await lab.until("exited", () => lab.inspect("w-rm").State.Status === "exited");
  await Bun.sleep(300);
  expect(w.settled()).toBe(false);
  lab.ok(["start", "w-rm"]);
  lab.ok(["rm", "-f", "w-rm"]); // killed and removed at once: the code comes from the removal
  expect(await w.result).toEqual({ out: "137", code: 0 });
});

test("removed: a --rm container's own cleanup", async () => {
  lab.ok(["run", "-d", "--rm", "--name", "w-auto", "--net", "none", "busybox", "sh", "-c", "sleep 0.4; exit 7"]);
  expect(lab.ok(["wait", "--condition", "removed", "w-auto"])).toBe("7");
  expect(lab.nsbox(["inspect", "w-auto"]).code).toBe(1);
});

test("an invalid condition: one clear line, 125; a missing container: 1", () => {
  lab.ok(["create", "--name", "w-bad", "--net", "none", "busybox", "true"]);
  const r = lab.nsbox(["wait", "--condition", "stopped", "w-bad"]);
  expect(r.code).toBe(125);
  expect(r.stderr).toBe('nsbox: invalid condition: "stopped" (expected not-running, next-exit, removed)\n');
  const missing = lab.nsbox(["wait", "--condition", "removed", "nope"]);
  expect(missing).toMatchObject({ code: 1, stderr: "nsbox: No such container: nope\n" });
  lab.ok(["rm", "w-bad"]);
});
