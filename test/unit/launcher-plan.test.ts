// Encoding of the plan attributes added for argv[0] and the seccomp listener, and the cutting of
// the container process state at the PID (pure; the launcher side is tested in
// test/integration/launcher-seccomp-notify.test.ts).
import { describe, expect, test } from "bun:test";
import { encodePlan, seccompListenerState } from "../../src/linux/plan.ts";
import { PA } from "../../src/linux/plan-ids.ts";

/** [type, payload] of every top-level attribute, in order. */
function attributes(plan: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  expect(plan.readUInt32LE(0)).toBe(plan.length - 4);
  for (let off = 4; off < plan.length; ) {
    const type = plan.readUInt16LE(off), len = plan.readUInt32LE(off + 4);
    out.push([type, plan.subarray(off + 8, off + 8 + len)]);
    off += 8 + len + ((4 - (len % 4)) % 4);
  }
  return out;
}

describe("plan encoding", () => {
  test("argv0 is one NUL-terminated string next to the args", () => {
    const a = attributes(encodePlan({ args: ["/bin/bash"], env: [], argv0: "-bash" }));
    expect(a.filter(([t]) => t === PA.ARGV0).map(([, p]) => p.toString())).toEqual(["-bash\0"]);
    expect(a.filter(([t]) => t === PA.ARG).map(([, p]) => p.toString())).toEqual(["/bin/bash\0"]);
  });
  test("the listener path, then the state pieces in order, raw (no NUL)", () => {
    const a = attributes(encodePlan({ args: ["x"], env: [], seccompListener: { path: "/run/agent.sock", state: ['{"pid":', ',"x":"é"}'] } }));
    expect(a.filter(([t]) => t === PA.SECCOMP_LISTENER).map(([, p]) => p.toString())).toEqual(["/run/agent.sock\0"]);
    expect(a.filter(([t]) => t === PA.SECCOMP_LISTENER_DATA).map(([, p]) => p.toString())).toEqual(['{"pid":', ',"x":"é"}']);
  });
  test("no listener, no attribute", () => {
    expect(attributes(encodePlan({ args: ["x"], env: [] })).some(([t]) => t === PA.SECCOMP_LISTENER || t === PA.SECCOMP_LISTENER_DATA || t === PA.ARGV0)).toBe(false);
  });
});

describe("seccompListenerState", () => {
  test("joining the pieces with a PID gives the state built with that PID", () => {
    const build = (pid: number) => ({ ociVersion: "1.0.2", fds: ["seccompFd"], pid, state: { id: "c", pid } });
    const pieces = seccompListenerState(build);
    expect(pieces.length).toBe(3);
    expect(pieces.join("4242")).toBe(JSON.stringify(build(4242)));
  });
  test("the cut is exact even when the stand-in number appears in the state", () => {
    const build = (pid: number) => ({ pid, metadata: "2147480000 2147480001", n: 2147480002 });
    const pieces = seccompListenerState(build);
    expect(pieces.length).toBe(2);
    expect(pieces.join("77")).toBe(JSON.stringify(build(77)));
  });
});
