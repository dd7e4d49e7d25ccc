// The engine's run root (src/engine/run-root.ts): a container's ephemeral files on a tmpfs apart
// from the persistent root, an override by $NSBOX_RUNROOT, what a reboot leaves (the run root
// gone: --rm containers removed, others exited and startable again), content of an earlier boot
// cleared, and `system reset` taking it all.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from "node:fs";
import { detectLayout } from "../../src/linux/cgroups/index.ts";
import { umount } from "../../src/linux/libc.ts";
import { EngineLab } from "./engine-util.ts";

const TMPFS_MAGIC = 0x01021994;
const lab = new EngineLab();
afterAll(() => lab.destroy());

const onTmpfs = (dir: string) => Number(statfsSync(dir).type) === TMPFS_MAGIC;
const mounted = () => readFileSync("/proc/self/mountinfo", "utf8");

/** What a reboot does to a running container: its processes and cgroups gone, the run root's tmpfs too. */
function reboot(ids: string[]): void {
  for (const id of ids) {
    const st = JSON.parse(readFileSync(`${lab.run}/containers/${id}/status.json`, "utf8"));
    for (const pid of [st.Pid, st.MonitorPid]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
  Bun.sleepSync(100);
  for (const id of ids)
    for (const h of detectLayout().hierarchies) {
      try {
        rmdirSync(`${h.mountpoint}/nsbox/${id}`);
      } catch {}
    }
  umount(lab.run, 2 /* MNT_DETACH: the pins inside go with it */);
}

test("a container's ephemeral files live in the run root, a tmpfs; the persistent root keeps its log", () => {
  const id = lab.ok(["run", "-d", "--name", "where", "--net", "none", "busybox", "sh", "-c", "echo hi; sleep 60"]);
  expect(onTmpfs(lab.run)).toBe(true);
  expect(onTmpfs(lab.root)).toBe(false);
  const run = readdirSync(`${lab.run}/containers/${id}`);
  for (const f of ["config.json", "hostname", "hosts", "resolv.conf", "status.json", "ctl", "ns"]) expect(run).toContain(f);
  expect(readdirSync(`${lab.run}/runtime/${id}`)).toContain("state.json");
  expect(existsSync(`${lab.run}/sock/${id.slice(0, 12)}`)).toBe(true);
  expect(readdirSync(`${lab.root}/engine/containers/${id}`)).toEqual([`${id}-json.log`]);
  const inspect = lab.inspect("where");
  expect(inspect.HostsPath).toBe(`${lab.run}/containers/${id}/hosts`);
  expect(inspect.LogPath).toBe(`${lab.root}/engine/containers/${id}/${id}-json.log`);
  lab.ok(["rm", "-f", "where"]);
  expect(readdirSync(`${lab.run}/containers`)).toEqual([]);
  expect(readdirSync(`${lab.root}/engine/containers`)).toEqual([]);
  expect(readdirSync(`${lab.run}/runtime`).filter((f) => !f.startsWith("@"))).toEqual([]);
  expect(readdirSync(`${lab.run}/sock`)).toEqual([]);
}, 20000);

test("a --rm container keeps its log in its run directory (it goes with it); logs reads it", async () => {
  const id = lab.ok(["run", "-d", "--rm", "--name", "rmlog", "--net", "none", "busybox", "sh", "-c", "echo from-rm; sleep 60"]);
  expect(lab.inspect("rmlog").LogPath).toBe(`${lab.run}/containers/${id}/${id}-json.log`);
  await lab.until("its output", () => lab.ok(["logs", "rmlog"]) === "from-rm");
  expect(existsSync(`${lab.root}/engine/containers/${id}`)).toBe(false);
  lab.ok(["rm", "-f", "rmlog"]);
  expect(existsSync(`${lab.run}/containers/${id}`)).toBe(false);
}, 20000);

test("after a reboot (the run root gone): --rm containers are removed, others read exited (255) and start again", async () => {
  const kept = lab.ok(["run", "-d", "--name", "kept", "--net", "none", "busybox", "sh", "-c", "echo before; sleep 60"]);
  const once = lab.ok(["run", "-d", "--rm", "--name", "once", "--net", "none", "busybox", "sleep", "60"]);
  const created = lab.ok(["create", "--name", "fresh", "--net", "none", "busybox", "echo", "fresh"]);
  await lab.until("kept's output", () => lab.ok(["logs", "kept"]).includes("before"));
  reboot([kept, once]);
  expect(mounted()).not.toContain(` ${lab.run} `);

  // The next command finds a run root of this boot again (a new tmpfs) and reconciles.
  const ps = lab.ok(["ps", "-a", "--format", "{{.Names}} {{.State}}"]).split("\n").sort();
  expect(ps).toEqual(["fresh created", "kept exited"]);
  expect(onTmpfs(lab.run)).toBe(true);
  expect(lab.inspect("kept").State).toMatchObject({ Status: "exited", Running: false, ExitCode: 255 });
  expect(existsSync(`${lab.root}/engine/containers/${once}`)).toBe(false);
  expect(existsSync(`${lab.root}/image/containers/${once}`)).toBe(false);

  // Its hosts files are made again at start; the log kept the earlier run.
  lab.ok(["start", "kept"]);
  expect(lab.inspect("kept").State.Status).toBe("running");
  expect(lab.ok(["exec", "kept", "cat", "/etc/hostname"])).toBe(kept.slice(0, 12));
  await lab.until("the second run's output", () => lab.ok(["logs", "kept"]).split("\n").filter((l) => l === "before").length === 2);
  expect(lab.ok(["start", "-a", "fresh"])).toBe("fresh");
  lab.ok(["rm", "-f", "kept", created]);
  expect(readdirSync(`${lab.run}/containers`)).toEqual([]);
}, 30000);

test("content of an earlier boot in a run root is cleared at the first open (a run root that is not a tmpfs)", () => {
  mkdirSync(`${lab.run}/containers/stale`, { recursive: true });
  writeFileSync(`${lab.run}/containers/stale/status.json`, "{}");
  writeFileSync(`${lab.run}/keep-me`, "not the engine's");
  writeFileSync(`${lab.run}/boot_id`, "an-earlier-boot\n");
  lab.ok(["ps"]);
  expect(existsSync(`${lab.run}/containers/stale`)).toBe(false);
  expect(existsSync(`${lab.run}/keep-me`)).toBe(true); // only the engine's own entries go
  expect(readFileSync(`${lab.run}/boot_id`, "utf8").trim()).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
});

test("$NSBOX_RUNROOT puts the run root elsewhere; system reset removes it with its tmpfs", () => {
  const other = new EngineLab();
  const runRoot = `${other.root}-run`;
  other.env.NSBOX_RUNROOT = runRoot;
  try {
    const id = other.ok(["run", "-d", "--net", "none", "busybox", "sleep", "60"]);
    expect(onTmpfs(runRoot)).toBe(true);
    expect(existsSync(`${runRoot}/containers/${id}/config.json`)).toBe(true);
    expect(existsSync(`${other.root}/run`)).toBe(false);
    expect(other.nsbox(["system", "reset", "-f"]).code).toBe(0);
    expect(existsSync(runRoot)).toBe(false);
    expect(mounted()).not.toContain(runRoot);
  } finally {
    try {
      umount(runRoot, 2);
    } catch {}
    other.nsbox(["system", "reset", "-f"]);
  }
}, 20000);
