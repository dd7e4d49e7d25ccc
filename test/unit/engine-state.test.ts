// Pure parts of the engine's runtime view: state from the monitor's status, log selection, the
// attach stream's framing, ps lines and filters, the monitor's argv, network plans.
import { describe, expect, test } from "bun:test";
import { demux } from "../../src/engine/attach.ts";
import { psFilter, statusText } from "../../src/engine/cli/ps-format.ts";
import { parseEntries, selectEntries } from "../../src/engine/logs.ts";
import { monitorArgv } from "../../src/engine/monitor.ts";
import { networkPlan } from "../../src/engine/network.ts";
import { emptyState, mergeState } from "../../src/engine/state.ts";
import type { ContainerJSON, MonitorStatus } from "../../src/engine/types.ts";

const status = (s: Partial<MonitorStatus>): MonitorStatus => ({
  MonitorPid: 10, Pid: 20, Running: true, Restarting: false, ExitCode: 0, OOMKilled: false, RestartCount: 0,
  StartedAt: "2026-01-01T00:00:00Z", FinishedAt: "", Error: "", ...s,
});
const alive = { monitor: true, init: true };

describe("mergeState", () => {
  test("never started: the stored state", () => {
    expect(mergeState(emptyState(), undefined, alive, false).Status).toBe("created");
  });
  test("running, paused, restarting, exited", () => {
    expect(mergeState(emptyState(), status({}), alive, false)).toMatchObject({ Status: "running", Running: true, Pid: 20 });
    expect(mergeState(emptyState(), status({}), alive, true)).toMatchObject({ Status: "paused", Paused: true, Running: true });
    expect(mergeState(emptyState(), status({ Running: false, Restarting: true, ExitCode: 1 }), { monitor: true, init: false }, false))
      .toMatchObject({ Status: "restarting", Restarting: true });
    expect(mergeState(emptyState(), status({ Running: false, ExitCode: 3, OOMKilled: true }), { monitor: false, init: false }, false))
      .toMatchObject({ Status: "exited", Running: false, Pid: 0, ExitCode: 3, OOMKilled: true });
  });
  test("a monitor killed with -9 and its container gone: exited 255 with an error", () => {
    expect(mergeState(emptyState(), status({}), { monitor: false, init: false }, false))
      .toMatchObject({ Status: "exited", ExitCode: 255, Error: "the container's monitor died" });
  });
  test("restarting claimed by a dead monitor is exited", () => {
    expect(mergeState(emptyState(), status({ Running: false, Restarting: true }), { monitor: false, init: false }, false).Status).toBe("exited");
  });
});

describe("logs", () => {
  const text = [
    { log: "a\n", stream: "stdout", time: "2026-01-01T00:00:01.000000000Z" },
    { log: "b\n", stream: "stderr", time: "2026-01-01T00:00:02.000000000Z" },
    { log: "c\n", stream: "stdout", time: "2026-01-01T00:00:03.000000000Z" },
  ].map((e) => JSON.stringify(e)).join("\n") + '\n{"log":"torn';
  test("torn last line skipped; tail; since/until", () => {
    const all = parseEntries(text);
    expect(all.map((e) => e.log)).toEqual(["a\n", "b\n", "c\n"]);
    expect(selectEntries(all, { tail: 2 }).map((e) => e.log)).toEqual(["b\n", "c\n"]);
    expect(selectEntries(all, { tail: 0 })).toEqual([]);
    const t2 = Date.parse("2026-01-01T00:00:02Z") / 1000;
    expect(selectEntries(all, { since: t2 }).map((e) => e.log)).toEqual(["b\n", "c\n"]);
    expect(selectEntries(all, { until: t2 }).map((e) => e.log)).toEqual(["a\n", "b\n"]);
  });
});

test("demux: docker's multiplexed frames, split anywhere", () => {
  const frame = (s: number, p: string) => Buffer.concat([Buffer.from([s, 0, 0, 0, 0, 0, 0, p.length]), Buffer.from(p)]);
  const all = Buffer.concat([frame(1, "out"), frame(2, "err"), frame(1, "x")]);
  const got: string[] = [];
  let rest = demux(all.subarray(0, 13), (s, p) => got.push(`${s}:${p}`));
  expect(got).toEqual(["1:out"]);
  rest = demux(Buffer.concat([rest, all.subarray(13)]), (s, p) => got.push(`${s}:${p}`));
  expect(got).toEqual(["1:out", "2:err", "1:x"]);
  expect(rest.length).toBe(0);
});

describe("ps", () => {
  const c = (over: Partial<ContainerJSON>): ContainerJSON => ({
    Id: "abcdef0123456789", Name: "/web", Created: "2026-01-01T00:00:00Z", Path: "sh", Args: [], Image: "sha256:1234",
    Config: { Image: "busybox", Labels: { tier: "front" } }, State: { ...emptyState() }, ...over,
  }) as ContainerJSON;
  test("status column as docker writes it", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    expect(statusText(c({}), now)).toBe("Created");
    expect(statusText(c({ State: { ...emptyState(), Status: "running", Running: true, StartedAt: "2026-01-01T00:09:55Z" } }), now)).toBe("Up 5 seconds");
    expect(statusText(c({ State: { ...emptyState(), Status: "exited", ExitCode: 130, FinishedAt: "2026-01-01T00:08:00Z" } }), now)).toBe("Exited (130) 2 minutes ago");
    expect(statusText(c({ State: { ...emptyState(), Status: "exited", ExitCode: 137, FinishedAt: "2026-01-01T00:09:59.600Z" } }), now)).toBe("Exited (137) Less than a second ago");
    expect(statusText(c({ State: { ...emptyState(), Status: "exited", ExitCode: 0, FinishedAt: "2026-01-01T00:09:59Z" } }), now)).toBe("Exited (0) 1 second ago");
  });
  test("filters: same key ORs, different keys AND; bad filters refused", () => {
    const web = c({}), db = c({ Id: "ff00", Name: "/db", Config: { Image: "redis", Labels: {} } as never });
    const sel = (f: string[]) => [web, db].filter(psFilter(f)).map((x) => x.Name);
    expect(sel(["name=^w"])).toEqual(["/web"]);
    expect(sel(["name=web", "name=db"])).toEqual(["/web", "/db"]);
    expect(sel(["id=ff", "label=tier"])).toEqual([]);
    expect(sel(["label=tier=front"])).toEqual(["/web"]);
    expect(sel(["ancestor=redis"])).toEqual(["/db"]);
    expect(() => psFilter(["bogus=1"])).toThrow(/invalid filter 'bogus'/);
    expect(() => psFilter(["name"])).toThrow(/bad format of filter/);
  });
});

test("monitorArgv: everything decided in TypeScript, exit command after --", () => {
  const argv = monitorArgv({
    id: "i", dir: "/d", bundle: "/d", socket: "/s", log: "/d/l", logMax: 10, runtime: "/rt", runtimeArgs: ["--root", "/r"],
    terminal: true, stdin: true, stdinOnce: false, restart: "on-failure:3", oomFile: "/cg/memory.events", exitCommand: ["nsbox", "x"],
  });
  expect(argv.slice(1).join(" ")).toBe(
    "--id i --dir /d --bundle /d --socket /s --log /d/l --log-max 10 --runtime /rt --restart on-failure:3 " +
      "--runtime-arg --root --runtime-arg /r --terminal --stdin --oom-file /cg/memory.events -- nsbox x",
  );
});

test("networkPlan", () => {
  expect(networkPlan("none")).toEqual({ kind: "none" });
  expect(networkPlan("host")).toEqual({ kind: "shared" });
  expect(networkPlan("container:abc")).toEqual({ kind: "shared" });
  expect(networkPlan("default")).toEqual({ kind: "attach", network: "bridge" });
  expect(networkPlan("n1")).toEqual({ kind: "attach", network: "n1" });
});

test("ps PORTS column: published bindings while running, exposed ports otherwise", async () => {
  const { portsText } = await import("../../src/engine/cli/ps-format.ts");
  const base = {
    Config: { ExposedPorts: { "80/tcp": {}, "6379/tcp": {} } }, State: { ...emptyState(), Running: true },
    NetworkSettings: { Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] } },
  } as unknown as ContainerJSON;
  expect(portsText(base)).toBe("0.0.0.0:8080->80/tcp, 6379/tcp");
  expect(portsText({ ...base, State: emptyState() })).toBe("80/tcp, 6379/tcp");
});

test("stats NET I/O: every interface but lo", async () => {
  const { netBytes } = await import("../../src/cli/commands/stats.ts");
  const dev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0:    1500      10    0    0    0     0          0         0      700       5    0    0    0     0       0          0
`;
  expect(netBytes(dev)).toEqual([1500, 700]);
});
