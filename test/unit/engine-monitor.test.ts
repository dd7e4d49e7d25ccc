// The engine's side of the monitor: its argv for the inline nsbox-runtime create (launcher, state
// and cgroups it deletes by hand, console socket), and the state read while it records an exit.
import { expect, test } from "bun:test";
import { monitorArgv } from "../../src/engine/monitor.ts";
import { emptyState, mergeState } from "../../src/engine/state.ts";
import type { MonitorStatus } from "../../src/engine/types.ts";

test("monitorArgv: launcher, console socket, runtime state and cgroups before the exit command", () => {
  const argv = monitorArgv({
    id: "i", dir: "/d", bundle: "/d", socket: "/s", log: "/d/l", logMax: 10, runtime: "/rt", runtimeArgs: [],
    terminal: true, stdin: false, stdinOnce: false, restart: "no", consoleSocket: "/s.con", launcher: "/bin/launcher",
    startFifo: "/r/i/exec.fifo", runtimeState: "/r/i", cgroups: ["/cg/memory/nsbox/i", "/cg/pids/nsbox/i"], exitCommand: ["nsbox", "x"],
  });
  expect(argv.slice(1).join(" ")).toBe(
    "--id i --dir /d --bundle /d --socket /s --log /d/l --log-max 10 --runtime /rt --restart no --terminal " +
      "--start-fifo /r/i/exec.fifo --console-socket /s.con --launcher /bin/launcher --runtime-state /r/i " +
      "--cgroup /cg/memory/nsbox/i --cgroup /cg/pids/nsbox/i -- nsbox x",
  );
});

const running: MonitorStatus = {
  MonitorPid: 10, Pid: 20, Running: true, Restarting: false, ExitCode: 0, OOMKilled: false, RestartCount: 0,
  StartedAt: "2026-01-01T00:00:00Z", FinishedAt: "", Error: "",
};

test("an init that has exited while its live monitor records the exit is still running, not 255", () => {
  expect(mergeState(emptyState(), running, { monitor: true, init: false }, false)).toMatchObject({ Status: "running", ExitCode: 0 });
  expect(mergeState(emptyState(), running, { monitor: false, init: false }, false)).toMatchObject({ Status: "exited", ExitCode: 255 });
});
