// Names are unique under concurrency (the UNIQUE constraint in SQLite, no lock files): of 100
// simultaneous `run -d --name same`, exactly one container exists and 99 get docker's conflict.
// And a CLI killed with -9 mid-create leaves a complete container or none.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { EngineLab, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

test("100 concurrent runs with one name: one container, 99 clear conflicts", async () => {
  const results = await Promise.all(
    Array.from({ length: 100 }, () => lab.nsboxAsync(["run", "-d", "--name", "same", "--net", "none", "busybox", "sleep", "100"])),
  );
  const won = results.filter((r) => r.code === 0);
  const lost = results.filter((r) => r.code !== 0);
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(99);
  for (const r of lost) {
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^nsbox: Conflict\. The container name "\/same" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\n$/);
  }
  expect(lab.ok(["ps", "-aq", "--no-trunc"])).toBe(won[0]!.stdout.trim());
  expect(lab.inspect("same").State.Running).toBe(true);
  expect(readdirSync(`${lab.root}/image/containers`)).toHaveLength(1);
  lab.ok(["rm", "-f", "same"]);
}, 60000);

test("kill -9 of the CLI at any point of run -d: a complete container or none after reconciliation", async () => {
  for (const delay of [5, 20, 40, 60, 80, 120, 200]) {
    const p = Bun.spawn([...NSBOX, "run", "-d", "--name", `k${delay}`, "--net", "none", "busybox", "sleep", "100"], {
      env: lab.env, stdout: "ignore", stderr: "ignore",
    });
    await Bun.sleep(delay);
    p.kill("SIGKILL");
    await p.exited;
  }
  await Bun.sleep(300); // monitors abandoned before "start" clean up after themselves
  // Any later command reconciles: what is listed is complete and consistent.
  const listed = lab.ok(["ps", "-a", "--format", "{{.Names}} {{.State}}"]).split("\n").filter(Boolean);
  for (const line of listed) expect(line).toMatch(/^k\d+ (created|running|exited)$/);
  const ids = lab.ok(["ps", "-aq", "--no-trunc"]).split("\n").filter(Boolean);
  const rootfs = readdirSync(`${lab.root}/image/containers`);
  expect(rootfs.sort()).toEqual([...ids].sort());
  if (ids.length) lab.ok(["rm", "-f", ...ids]);
  expect(readdirSync(`${lab.root}/image/containers`)).toEqual([]);
  expect(readdirSync(`${lab.root}/engine/containers`)).toEqual([]);
  expect(readdirSync(`${lab.run}/containers`)).toEqual([]);
}, 30000);

test("kill -9 of a container's monitor: the container is still seen, stopped and removed cleanly", async () => {
  const id = lab.ok(["run", "-d", "--name", "orphan", "--net", "none", "busybox", "sleep", "100"]);
  const status = JSON.parse(require("node:fs").readFileSync(`${lab.run}/containers/${id}/status.json`, "utf8"));
  process.kill(status.MonitorPid, "SIGKILL");
  await Bun.sleep(50);
  expect(lab.inspect("orphan").State).toMatchObject({ Status: "running", Pid: status.Pid });
  lab.ok(["stop", "-t", "0", "orphan"]);
  expect(lab.inspect("orphan").State).toMatchObject({ Status: "exited", ExitCode: 255, Error: "the container's monitor died" });
  lab.ok(["rm", "orphan"]);
  // the runtime's state and the cgroup went with it
  // (@seccomp-cache holds compiled filters shared by all containers, not this one's state)
  expect(readdirSync(`${lab.run}/runtime`).filter((f) => !f.startsWith("@"))).toEqual([]);
  expect(require("node:fs").existsSync(`/sys/fs/cgroup/pids/nsbox/${id}`)).toBe(false);
});

test("kill -9 of an attached `run --rm`: the container finishes and is still removed", async () => {
  const p = Bun.spawn([...NSBOX, "run", "--rm", "--name", "leased", "--net", "none", "busybox", "sleep", "0.5"], { env: lab.env, stdout: "ignore", stderr: "ignore" });
  await lab.until("running", () => lab.nsbox(["ps", "-q", "--filter", "name=leased"]).stdout.trim() !== "");
  p.kill("SIGKILL");
  await p.exited;
  await lab.until("removed by the monitor's cleanup", () => lab.nsbox(["ps", "-aq"]).stdout === "", 5000);
  expect(readdirSync(`${lab.root}/image/containers`)).toEqual([]);
});

test("after monitor and container are killed and the rootfs unmounted (as by a reboot), start recovers", async () => {
  const id = lab.ok(["run", "-d", "--name", "reboot", "--net", "none", "busybox", "sleep", "100"]);
  const status = JSON.parse(require("node:fs").readFileSync(`${lab.run}/containers/${id}/status.json`, "utf8"));
  process.kill(status.MonitorPid, "SIGKILL");
  process.kill(status.Pid, "SIGKILL");
  await lab.until("exited", () => lab.inspect("reboot").State.Status === "exited");
  // The mount point is in the run directory (a tmpfs, emptied by a reboot): the mount and the directory go.
  const merged = `${lab.run}/containers/${id}/merged`;
  expect(lab.inspect("reboot").GraphDriver.Data.MergedDir).toBe(merged);
  expect(Bun.spawnSync(["umount", merged]).exitCode).toBe(0);
  require("node:fs").rmdirSync(merged);
  expect(lab.ok(["ps", "-a", "--format", "{{.Status}}"])).toBe("Exited (255)");
  lab.ok(["start", "reboot"]);
  expect(lab.ok(["exec", "reboot", "cat", "/etc/hostname"])).toBe(id.slice(0, 12));
  lab.ok(["rm", "-f", "reboot"]);
});
