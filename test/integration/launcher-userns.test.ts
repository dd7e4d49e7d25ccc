// A container in its own user namespace through the real launcher: with PA_USERNS_ROOT stage 1
// becomes uid/gid 0 of the namespace once it is mapped (runc's order), so the setup can create
// what the container owns (host root, unmapped there, gets EOVERFLOW); and the exec fifo is 0622
// whatever the umask, so the mapped root can open it. Needs root.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, LAUNCHER_PATH, LaunchError } from "../../src/linux/launcher.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";
import { CLONE, MS } from "../../src/linux/plan-ids.ts";

const ROOTFS = join(import.meta.dir, "../../build/rootfs/busybox");
const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH) && existsSync(`${ROOTFS}/bin/busybox`);
const dir = mkdtempSync(join(tmpdir(), "nsbox-launcher-userns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const container = (args: string[], extra: Partial<LaunchPlan> = {}): LaunchPlan => ({
  args,
  env: ["PATH=/bin"],
  newNamespaces: CLONE.NEWUSER | CLONE.NEWNS | CLONE.NEWPID,
  uidMap: "0 100000 65536\n",
  gidMap: "0 100000 65536\n",
  usernsRoot: true,
  rootfs: ROOTFS,
  rootReadonly: true,
  cwd: "/",
  mounts: [
    { source: "proc", destination: "/proc", type: "proc", flags: 0 },
    { source: "tmpfs", destination: "/dev", type: "tmpfs", flags: MS.NOSUID, data: "mode=755" },
    { source: "devpts", destination: "/dev/pts", type: "devpts", flags: MS.NOSUID | MS.NOEXEC, data: "newinstance,ptmxmode=0666" },
  ],
  uid: 0,
  gid: 0,
  ...extra,
});

describe.skipIf(!usable)("a new user namespace (PA_USERNS_ROOT)", () => {
  test("the setup runs as the namespace's root: mounts on its own tmpfs work, maps visible", async () => {
    const out = join(dir, "out");
    const fd = openSync(out, "w");
    const l = await launch(container(["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox; ls -d /dev/pts"], { foreground: true }), { stdio: ["ignore", fd, fd] });
    expect(await l.exited).toBe(0);
    closeSync(fd);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((s) => s.trim().split(/\s+/).join(" "));
    // rootfs files belong to host root, which is not mapped: the overflow uid.
    expect(lines).toEqual(["0 100000 65536", "0 100000 65536", "0", "65534", "/dev/pts"]);
  });

  test("without it the unmapped host root cannot create the mount point (EOVERFLOW), reported", async () => {
    const err = await launch(container(["true"], { foreground: true, usernsRoot: undefined })).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.stage, err.step, err.path, err.code]).toEqual(["stage2", "resolve mount destination", "/dev/pts", "EOVERFLOW"]);
  });

  test("uid 0 not mapped: the step says so", async () => {
    const err = await launch(container(["true"], { foreground: true, uidMap: "1 100000 1\n" })).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.stage, err.step, err.code]).toEqual(["stage1", "setresuid", "EINVAL"]);
  });

  test("detached with an exec fifo: the mapped root opens it, the process runs as host uid 100000", async () => {
    const fifo = join(dir, "exec.fifo");
    const old = process.umask(0o077); // the fifo's mode must not depend on the caller's umask
    let l;
    try {
      l = await launch(container(["sleep", "30"], { execFifo: fifo, setsid: true }), { stdio: ["ignore", "ignore", "inherit"] });
    } finally {
      process.umask(old);
    }
    expect(statSync(fifo).mode & 0o777).toBe(0o622);
    expect(readFileSync(fifo, "utf8")).toBe("0"); // `start`: the process writes one byte, then execs
    let cmdline = "";
    for (let i = 0; i < 200 && !/sleep/.test(cmdline); i++, await Bun.sleep(5)) cmdline = readFileSync(`/proc/${l.pid}/cmdline`, "utf8");
    const procStatus = readFileSync(`/proc/${l.pid}/status`, "utf8");
    expect([/^Uid:\s+(\d+)/m.exec(procStatus)![1], /^Gid:\s+(\d+)/m.exec(procStatus)![1]]).toEqual(["100000", "100000"]);
    process.kill(l.pid, "SIGKILL");
    await l.exited;
  });
});
