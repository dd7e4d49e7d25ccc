// The default runtime without runtime processes: the engine does nsbox-runtime's create in its own
// process, the monitor starts the launcher (so the container's init is the monitor's child) and
// deletes the runtime's state and cgroups itself after the exit; nsbox-runtime's own `state`
// tells the truth throughout. A --rm container (it never runs again) has a volatile writable layer
// and no pinned namespaces.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { detectLayout } from "../../src/linux/cgroups/index.ts";
import { bun } from "../helpers/cli.ts";
import { EngineLab, top } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

/** `nsbox-runtime state ID` against the engine's runtime root: its status, or undefined once deleted. */
function runtimeStatus(id: string): string | undefined {
  const p = Bun.spawnSync([bun, `${top}/src/runtime/main.ts`, "--root", `${lab.run}/runtime`, "state", id], { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) {
    expect(p.stderr.toString()).toMatch(/does not exist/);
    return undefined;
  }
  return JSON.parse(p.stdout.toString()).status;
}

/** The container's cgroup directories (…/nsbox/<id> in every hierarchy) that exist. */
function cgroupDirs(id: string): string[] {
  return detectLayout().hierarchies.map((h) => `${h.mountpoint}/nsbox/${id}`).filter((d) => existsSync(d));
}

function ppid(pid: number): number {
  return Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
}

test("the init is the monitor's child; runtime state and cgroups exist while it runs and are gone after its exit", async () => {
  const id = lab.ok(["run", "-d", "--net", "none", "busybox", "sleep", "0.5"]);
  const st = JSON.parse(readFileSync(`${lab.run}/containers/${id}/status.json`, "utf8"));
  expect(ppid(st.Pid)).toBe(st.MonitorPid);
  expect(readFileSync(`/proc/${st.MonitorPid}/cmdline`, "latin1").split("\0")[0]).toEndWith("nsbox-monitor");
  expect(runtimeStatus(id)).toBe("running");
  expect(cgroupDirs(id).length).toBeGreaterThan(0);
  await lab.until("the container's exit", () => lab.inspect(id).State.Status === "exited");
  // The monitor deletes by hand, a few ms after recording the exit.
  await lab.until("the runtime's delete", () => runtimeStatus(id) === undefined && cgroupDirs(id).length === 0);
  lab.ok(["start", id]); // a second run creates it again the same way
  expect(runtimeStatus(id)).toBe("running");
  lab.ok(["rm", "-f", id]);
  await lab.until("rm's delete", () => runtimeStatus(id) === undefined && cgroupDirs(id).length === 0);
}, 20000);

test("a container that cannot start leaves no runtime state, cgroups or monitor behind", async () => {
  const r = lab.nsbox(["run", "--name", "nocmd", "--net", "none", "busybox", "nosuchcmd"]);
  expect(r.code).toBe(127);
  const id = lab.inspect("nocmd").Id;
  await lab.until("cleanup", () => runtimeStatus(id) === undefined && cgroupDirs(id).length === 0);
  const monitors = Bun.spawnSync(["pgrep", "-f", `nsbox-monitor --id ${id}`]).stdout.toString().trim();
  expect(monitors).toBe("");
  lab.ok(["rm", "nocmd"]);
}, 20000);

test("--rm: the writable layer is a volatile overlay (removed at exit, it need not survive a crash); without --rm it is not", () => {
  const mountOf = (args: string[]) => lab.ok(["run", ...args, "--net", "none", "busybox", "sh", "-c", "grep ' / / ' /proc/self/mountinfo"]);
  expect(mountOf(["--rm"])).toMatch(/\bvolatile\b/);
  const kept = mountOf(["--name", "kept"]);
  expect(kept).toMatch(/ - overlay /);
  expect(kept).not.toMatch(/\bvolatile\b/);
  lab.ok(["rm", "kept"]);
}, 20000);

test("--rm: no pinned namespaces (it never runs again); without --rm, net and ipc are pinned", async () => {
  const { isPinned } = await import("../../src/engine/pin.ts");
  const once = lab.ok(["run", "-d", "--rm", "--net", "none", "busybox", "sleep", "5"]);
  const kept = lab.ok(["run", "-d", "--net", "none", "busybox", "sleep", "5"]);
  for (const type of ["network", "ipc"] as const) {
    expect(isPinned(`${lab.run}/containers/${once}`, type)).toBe(false);
    expect(isPinned(`${lab.run}/containers/${kept}`, type)).toBe(true);
  }
  lab.ok(["rm", "-f", once, kept]);
}, 20000);
