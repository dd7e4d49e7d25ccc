// `nsbox system reset`: a root and everything it made outside itself go (containers and their
// monitors, cgroups and mounts; networks with their bridges, veths and firewall table); without
// -f it asks first, and a "no" (or no answer) removes nothing.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { kernelNames } from "../../src/net/context.ts";
import { EngineLab } from "./engine-util.ts";

const lab = new EngineLab();
afterAll(() => lab.destroy());

const links = () => Bun.spawnSync(["ip", "-o", "link", "show"]).stdout.toString();
const tables = () => Bun.spawnSync(["nft", "list", "tables"]).stdout.toString();

test("reset asks first; -f removes containers, networks, bridges, firewall table and the root", () => {
  lab.ok(["network", "create", "resetnet"]);
  lab.ok(["run", "-d", "--name", "r-bridge", "-p", "127.0.0.1::80", "busybox", "sleep", "60"]);
  lab.ok(["run", "-d", "--name", "r-user", "--net", "resetnet", "busybox", "sleep", "60"]);
  const pids = ["r-bridge", "r-user"].map((n) => lab.inspect(n).State.Pid as number);
  const cgroup = readFileSync(`/proc/${pids[0]}/cgroup`, "utf8");
  const names = kernelNames(lab.root);
  expect(links()).toContain(names.defaultBridge);
  expect(tables()).toContain(`table ip ${names.table}`);

  const declined = lab.nsbox(["system", "reset"], { stdin: "n\n" });
  expect(declined.code).toBe(0);
  expect(declined.stdout).toContain("Are you sure you want to continue? [y/N]");
  expect(lab.ok(["ps", "-q"]).split("\n")).toHaveLength(2);

  expect(lab.nsbox(["system", "reset", "-f"])).toMatchObject({ code: 0, stderr: "" });
  expect(existsSync(lab.root)).toBe(false);
  for (const pid of pids) expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")).toBe(false);
  expect(links()).not.toContain(names.bridgePrefix);
  expect(links()).not.toContain(names.vethPrefix);
  expect(tables()).not.toContain(`table ip ${names.table}`);
  expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(lab.root);
  const dir = cgroup.split("\n").find((l) => l.includes(":pids:"))?.split(":")[2];
  if (dir) expect(existsSync(`/sys/fs/cgroup/pids${dir}`)).toBe(false);
});
