// docker's --ulimit, --device, --sysctl, --shm-size, --group-add, --cpuset-*, --memory-reservation,
// --oom-kill-disable, --oom-score-adj and --cidfile, seen from inside real busybox containers (and
// in inspect); bad values are one line, exit 125, and leave nothing behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { EngineLab, monitorPids } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
  expect(monitorPids(lab.root)).toEqual([]);
});

/** `run --rm --net none [flags] busybox sh -c SCRIPT` -> stdout; fails the test on a non-zero exit. */
function inside(flags: string[], script: string, net = "none"): string {
  const r = lab.nsbox(["run", "--rm", "--net", net, ...flags, "busybox", "sh", "-c", script]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A device that no container gets by default (a loop device's block node). */
const LOOP = ["/dev/loop7", "/dev/loop0"].find((d) => existsSync(d));

describe("inside the container", () => {
  test("--ulimit: soft and hard limits, -1 unlimited", () => {
    expect(inside(["--ulimit", "nofile=500:1000", "--ulimit", "core=-1"], "ulimit -n; ulimit -Hn; ulimit -c")).toBe("500\n1000\nunlimited\n");
  });

  test("--ulimit above our hard limit without CAP_SYS_RESOURCE: one line, 125, nothing left", () => {
    const hard = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync("/proc/self/limits", "utf8"))![1]!;
    const capEff = BigInt(`0x${/CapEff:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]}`);
    if (hard === "unlimited" || (capEff >> 24n) & 1n) return; // the refusal needs a bounded limit and no CAP_SYS_RESOURCE
    const r = lab.nsbox(["run", "--rm", "--net", "none", "--ulimit", `nofile=10:${Number(hard) + 1}`, "busybox", "true"]);
    expect([r.code, r.stderr]).toEqual([125, `nsbox: --ulimit nofile: cannot raise the hard limit to ${Number(hard) + 1} above the current ${hard} without CAP_SYS_RESOURCE\n`]);
    expect(lab.ok(["ps", "-aq"])).toBe("");
  });

  test("--oom-score-adj, --shm-size, --group-add (gid and a name from the image's /etc/group)", () => {
    const out = inside(["--oom-score-adj", "500", "--shm-size", "8m", "--group-add", "123", "--group-add", "tty"],
      "cat /proc/self/oom_score_adj; grep ' /dev/shm ' /proc/mounts; grep Groups /proc/self/status");
    expect(out).toMatch(/^500\n/);
    expect(out).toMatch(/ \/dev\/shm tmpfs \S*size=8192k/);
    expect(out).toMatch(/Groups:\s+5 123\s*\n/);
    expect(inside([], "grep ' /dev/shm ' /proc/mounts")).toMatch(/size=65536k/); // docker's 64m default
  });

  test("--sysctl in the container's own network and IPC namespaces; the host's are untouched", () => {
    const hostPort = readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8");
    const out = inside(["--sysctl", "net.ipv4.ip_unprivileged_port_start=77", "--sysctl", "kernel.shmmax=4096"],
      "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmax");
    expect(out).toBe("77\n4096\n");
    expect(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8")).toBe(hostPort);
  });

  test("--cpuset-cpus/--cpuset-mems, --memory-reservation, --oom-kill-disable: the container's cgroup", () => {
    const v1 = existsSync("/sys/fs/cgroup/cpuset/cpuset.cpus") && existsSync("/sys/fs/cgroup/memory/memory.oom_control");
    const out = inside(["--cpuset-cpus", "0", "--cpuset-mems", "0", "--memory-reservation", "10m", "--oom-kill-disable", "-m", "64m"],
      v1
        ? "grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes; grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control"
        : "grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/memory.low");
    expect(out).toMatch(/^Cpus_allowed_list:\s+0\n/);
    expect(out).toContain("10485760\n");
    if (v1) expect(out).toContain("oom_kill_disable 1\n");
  });

  test.skipIf(!LOOP)("--device: the node at the container's path, readable (it is not there without the flag)", () => {
    expect(inside(["--device", `${LOOP}:/dev/xdisk`], "ls -l /dev/xdisk | cut -c1; cat /dev/xdisk; echo read=$?")).toBe("b\nread=0\n");
    expect(inside([], "test -e /dev/xdisk; echo $?")).toBe("1\n");
  });

  test("--device DIR: every node below it at the same relative path (docker's DevicesFromPath); none is an error", () => {
    // A directory of our own nodes: null (1:3) at the top, zero (1:5) below, a plain file skipped.
    const dir = `${lab.root}/devdir`;
    mkdirSync(`${dir}/sub`, { recursive: true });
    for (const [path, minor] of [["nul", 3], ["sub/zer", 5]] as const) Bun.spawnSync(["mknod", "-m", "666", `${dir}/${path}`, "c", "1", String(minor)]);
    writeFileSync(`${dir}/plain`, "");
    const out = inside(["--device", `${dir}:/dev/mine`], "find /dev/mine | sort; stat -c '%n %t:%T' /dev/mine/nul /dev/mine/sub/zer; echo x > /dev/mine/nul && head -c 3 /dev/mine/sub/zer | od -An -tx1");
    expect(out).toBe("/dev/mine\n/dev/mine/nul\n/dev/mine/sub\n/dev/mine/sub/zer\n/dev/mine/nul 1:3\n/dev/mine/sub/zer 1:5\n 00 00 00\n");
    mkdirSync(`${lab.root}/nodevs`);
    expect(lab.nsbox(["run", "--rm", "--net", "none", "--device", `${lab.root}/nodevs`, "busybox", "true"])).toMatchObject({
      code: 125, stderr: `nsbox: error gathering device information while adding custom device "${lab.root}/nodevs": not a device node\n`,
    });
  });

  // The config's device rules as written, with the default runtime and with runc alike.
  for (const runtime of ["nsbox", "runc"]) {
    test.skipIf(!LOOP || !Bun.which(runtime === "nsbox" ? "true" : runtime))(`--device PERMS (--runtime ${runtime}): the devices cgroup allows only them (r: writing is refused)`, () => {
      const script = "cat /dev/xdisk && echo read-ok; (: > /dev/xdisk) 2>&1; echo write=$?";
      const ro = inside(["--runtime", runtime, "--device", `${LOOP}:/dev/xdisk:r`], script);
      expect(ro).toMatch(/^read-ok\n.*Operation not permitted\nwrite=1\n$/s);
      expect(inside(["--runtime", runtime, "--device", `${LOOP}:/dev/xdisk`], script)).toBe("read-ok\nwrite=0\n");
    });
  }
});

describe("inspect and --cidfile", () => {
  test("docker's HostConfig fields, defaults included", () => {
    const cid = `${lab.root}/cid`;
    const id = lab.ok([
      "create", "--net", "none", "--cidfile", cid, "--ulimit", "nproc=50:60", "--sysctl", "net.core.somaxconn=100",
      "--group-add", "5", "--cpuset-cpus", "0", "--memory-reservation", "10m", "--oom-kill-disable", "--oom-score-adj", "10",
      "--shm-size", "1g", ...(LOOP ? ["--device", `${LOOP}:/dev/x:rw`] : []), "busybox", "true",
    ]);
    expect(readFileSync(cid, "utf8")).toBe(id);
    expect(lab.inspect(id).HostConfig).toMatchObject({
      Ulimits: [{ Name: "nproc", Soft: 50, Hard: 60 }], Sysctls: { "net.core.somaxconn": "100" }, GroupAdd: ["5"],
      CpusetCpus: "0", CpusetMems: "", MemoryReservation: 10 << 20, OomKillDisable: true, OomScoreAdj: 10, ShmSize: 1 << 30,
      ContainerIDFile: cid, Devices: LOOP ? [{ PathOnHost: LOOP, PathInContainer: "/dev/x", CgroupPermissions: "rw" }] : [],
    });
    const plain = lab.ok(["create", "--net", "none", "busybox", "true"]);
    expect(lab.inspect(plain).HostConfig).toMatchObject({
      Ulimits: [], Devices: [], GroupAdd: null, ShmSize: 67108864, CpusetCpus: "", MemoryReservation: 0, OomKillDisable: false,
      OomScoreAdj: 0, ContainerIDFile: "",
    });
    lab.ok(["rm", id, plain]);
  });

  test("--cidfile: an existing file is refused with docker's message before anything is made", () => {
    const cid = `${lab.root}/taken`;
    writeFileSync(cid, "x");
    const r = lab.nsbox(["run", "--rm", "--net", "none", "--cidfile", cid, "busybox", "true"]);
    expect([r.code, r.stderr]).toEqual([125, `nsbox: container ID file found, make sure the other container isn't running or delete ${cid}\n`]);
    expect(readFileSync(cid, "utf8")).toBe("x");
    rmSync(cid);
  });
});

test("bad values: one line, exit 125, no container left (nor a cidfile, when refused at create)", () => {
  const cid = `${lab.root}/failed-cid`;
  const cases: [string[], string][] = [
    [["--sysctl", "kernel.pid_max=5"], `invalid argument "kernel.pid_max=5" for "--sysctl" flag: sysctl 'kernel.pid_max=5' is not allowed`],
    [["--net", "host", "--sysctl", "net.ipv4.ip_forward=1"], 'sysctl "net.ipv4.ip_forward" not allowed in host network namespace'],
    [["--ipc", "host", "--sysctl", "kernel.shmmax=1"], 'sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace'],
    [["--device", "/dev/nsbox-no-such"], 'error gathering device information while adding custom device "/dev/nsbox-no-such": no such file or directory'],
    [["--device", "/etc/passwd"], 'error gathering device information while adding custom device "/etc/passwd": not a device node'],
    [["--cpuset-cpus", "0-1023"], "Requested CPUs are not available - requested 0-1023, available: "],
    [["--ulimit", "nofile=2:1"], 'invalid argument "nofile=2:1" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 2 > 1'],
    [["-m", "8m", "--memory-reservation", "16m"], "Minimum memory limit can not be less than memory reservation limit, see usage"],
    // Found at start (the image's /etc/group): the container existed, so the file holds its id, as docker's does.
    [["--group-add", "nosuchgroup"], "Unable to find group nosuchgroup: no matching entries in group file"],
  ];
  for (const [flags, message] of cases) {
    const r = lab.nsbox(["run", "--rm", "--cidfile", cid, ...flags, "busybox", "true"]);
    expect([flags, r.code, r.stderr.split("\n").length]).toEqual([flags, 125, 2]);
    expect(r.stderr).toStartWith(`nsbox: ${message}`);
    if (flags[0] === "--group-add") expect(readFileSync(cid, "utf8")).toMatch(/^[0-9a-f]{64}$/);
    else expect(existsSync(cid)).toBe(false);
    rmSync(cid, { force: true });
  }
  expect(lab.ok(["ps", "-aq"])).toBe("");
});
