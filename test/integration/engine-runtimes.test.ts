// The same lifecycle with each OCI runtime the engine can drive: ours, runc and crun (through the
// hybrid-cgroup wrapper on machines whose cgroup2 mount has controllers, see docs/conformance.md).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { EngineLab, top } from "./engine-util.ts";

const crun = (() => {
  try {
    return readFileSync("/sys/fs/cgroup/unified/cgroup.controllers", "utf8").trim() ? join(top, "scripts/conformance/crun-hybrid.sh") : "crun";
  } catch {
    return "crun";
  }
})();
const runtimes = [["nsbox", "nsbox"], ["runc", "runc"], ["crun", crun]].filter(([, r]) => r!.startsWith("/") || r === "nsbox" || Bun.which(r!));

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

describe.each(runtimes)("--runtime %s", (name, runtime) => {
  test("attached run: output, exit code, --rm", () => {
    const r = lab.nsbox(["run", "--rm", "--runtime", runtime!, "--net", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"]);
    expect(r).toMatchObject({ code: 7, stdout: "out\n", stderr: "err\n" });
  });

  test("detached: inspect, exec, logs, namespace sharing, stop, start, rm", async () => {
    const a = `${name}-a`, b = `${name}-b`;
    lab.ok(["run", "-d", "--name", a, "--runtime", runtime!, "--net", "none", "--ipc", "shareable", "busybox", "sh", "-c", "echo ready; exec sleep 60"]);
    lab.ok(["run", "-d", "--name", b, "--runtime", runtime!, `--net=container:${a}`, "--ipc", `container:${a}`, "busybox", "sleep", "60"]);
    const pa = lab.inspect(a).State.Pid, pb = lab.inspect(b).State.Pid;
    expect(readlinkSync(`/proc/${pb}/ns/net`)).toBe(readlinkSync(`/proc/${pa}/ns/net`));
    expect(readlinkSync(`/proc/${pb}/ns/ipc`)).toBe(readlinkSync(`/proc/${pa}/ns/ipc`));
    expect(lab.nsbox(["exec", a, "sh", "-c", "echo shared > /dev/shm/x"]).code).toBe(0);
    expect(lab.nsbox(["exec", b, "cat", "/dev/shm/x"]).stdout).toBe("shared\n"); // a's /dev/shm too
    expect(readlinkSync(`/proc/${pb}/ns/pid`)).not.toBe(readlinkSync(`/proc/${pa}/ns/pid`));
    expect(readFileSync(`/proc/${pa}/cgroup`, "utf8")).toContain(`/nsbox/${lab.inspect(a).Id}`);
    expect(lab.nsbox(["exec", a, "sh", "-c", "echo $((40+2)); exit 3"])).toMatchObject({ code: 3, stdout: "42\n" });
    await lab.until("log", () => lab.nsbox(["logs", a]).stdout === "ready\n");
    lab.ok(["stop", "-t", "0", b, a]);
    expect(lab.inspect(a).State).toMatchObject({ Status: "exited", ExitCode: 137 });
    lab.ok(["start", a]);
    expect(lab.inspect(a).State.Running).toBe(true);
    lab.ok(["rm", "-f", b, a]);
  });
});
