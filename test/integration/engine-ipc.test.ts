// /dev/shm follows the IPC mode as docker sets it up: POSIX shared memory is files in /dev/shm, so
// --ipc container:X must see X's, which X offers with --ipc shareable; a private donor is refused
// with docker's line; host uses the host's /dev/shm, none has none; rm takes the shareable tmpfs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readlinkSync, rmSync, writeFileSync } from "node:fs";
import { EngineLab } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab(["busybox"]);
});
afterAll(async () => {
  await lab.destroy();
});

const sh = (name: string, script: string) => lab.nsbox(["exec", name, "sh", "-c", script]);

test("shareable donor, container:X joiner: one IPC namespace and one /dev/shm, also after the donor restarts", () => {
  lab.ok(["run", "-d", "--name", "donor", "--net", "none", "--ipc", "shareable", "busybox", "sleep", "60"]);
  lab.ok(["run", "-d", "--name", "joiner", "--net", "none", "--ipc", "container:donor", "busybox", "sleep", "60"]);
  const [d, j] = [lab.inspect("donor").State.Pid, lab.inspect("joiner").State.Pid];
  expect(readlinkSync(`/proc/${j}/ns/ipc`)).toBe(readlinkSync(`/proc/${d}/ns/ipc`));
  expect(sh("donor", "echo from-donor > /dev/shm/seg").code).toBe(0);
  expect(sh("joiner", "cat /dev/shm/seg").stdout).toBe("from-donor\n");
  expect(sh("joiner", "grep ' /dev/shm ' /proc/mounts").stdout).toMatch(/ tmpfs .*nosuid,nodev,noexec/);
  lab.ok(["restart", "-t", "0", "donor"]);
  expect(sh("donor", "cat /dev/shm/seg; echo again > /dev/shm/seg2").stdout).toBe("from-donor\n");
  expect(sh("joiner", "cat /dev/shm/seg2").stdout).toBe("again\n");
  const shmDir = `${lab.inspect("donor").Id}/shm`;
  expect(lab.mountsLeft().some((m) => m.endsWith(shmDir))).toBe(true);
  lab.ok(["rm", "-f", "joiner", "donor"]);
  expect(lab.mountsLeft().filter((m) => m.endsWith(shmDir))).toEqual([]);
});

test("a private donor (the default) is refused as docker refuses it; its own /dev/shm stays its own", () => {
  lab.ok(["run", "-d", "--name", "priv", "--net", "none", "busybox", "sleep", "60"]);
  const id = lab.inspect("priv").Id;
  const r = lab.nsbox(["run", "--rm", "--net", "none", "--ipc", "container:priv", "busybox", "true"]);
  expect(r).toMatchObject({ code: 125, stderr: `nsbox: container ${id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)\n` });
  expect(sh("priv", "grep -c ' /dev/shm tmpfs' /proc/mounts").stdout).toBe("1\n");
  lab.ok(["rm", "-f", "priv"]);
});

test("--ipc host: the host's /dev/shm; --ipc none: no /dev/shm", () => {
  const file = `/dev/shm/nsbox-ipc-test-${process.pid}`;
  writeFileSync(file, "host-shm\n");
  try {
    expect(lab.ok(["run", "--rm", "--net", "none", "--ipc", "host", "busybox", "cat", file])).toBe("host-shm");
  } finally {
    rmSync(file, { force: true });
  }
  const none = lab.nsbox(["run", "--rm", "--net", "none", "--ipc", "none", "busybox", "sh", "-c", "grep -c ' /dev/shm ' /proc/mounts"]);
  expect(none.stdout).toBe("0\n");
});

test("a --tmpfs on /dev/shm is the user's: a shareable container then mounts no tmpfs of its own", () => {
  lab.ok(["run", "-d", "--name", "own-shm", "--net", "none", "--ipc", "shareable", "--tmpfs", "/dev/shm:size=1m", "busybox", "sleep", "60"]);
  expect(lab.mountsLeft().filter((m) => m.endsWith(`${lab.inspect("own-shm").Id}/shm`))).toEqual([]);
  expect(sh("own-shm", "grep ' /dev/shm ' /proc/mounts").stdout).toContain("size=1024k");
  lab.ok(["rm", "-f", "own-shm"]);
});
