// docker's --ulimit, --device, --sysctl, --shm-size, --group-add, --cpuset-*, --memory-reservation,
// --oom-*, --cidfile: flag parsing, the create-time checks, and the OCI fields they become. No root.
import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/common/errors.ts";
import { defaultHostConfig } from "../../src/engine/engine.ts";
import { checkUlimitsGrantable, splitDev } from "../../src/engine/resource-host.ts";
import {
  checkCpuset, checkMemoryReservation, checkSysctlNamespaces, parseDevice, parseUlimit,
} from "../../src/engine/resource-options.ts";
import { parseRunArgs } from "../../src/engine/run-options.ts";
import { buildSpec, type SpecInputs } from "../../src/engine/spec.ts";
import { specJson, type HostDevice } from "../../src/engine/spec-resources.ts";
import type { HostConfig } from "../../src/engine/types.ts";
import { addGroups } from "../../src/engine/user.ts";

const host = (args: string[]) => parseRunArgs([...args, "busybox"], "run").request.HostConfig!;
const failure = (f: () => unknown): UserError => {
  try {
    f();
  } catch (e) {
    return e as UserError;
  }
  throw new Error("no error");
};

describe("flags -> HostConfig (docker's field names)", () => {
  test("every flag", () => {
    const h = host([
      "--ulimit", "nofile=1024:2048", "--ulimit", "core=-1", "--device", "/dev/loop7", "--device", "/dev/kmsg:/dev/k:r",
      "--device", "/dev/fuse:w", "--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "kernel.shmmax=4096", "--shm-size", "128m",
      "--group-add", "tty", "--group-add", "123", "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--memory-reservation", "32m",
      "--oom-kill-disable", "--oom-score-adj", "-500", "--cidfile", "/tmp/cid",
    ]);
    expect(h).toMatchObject({
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }, { Name: "core", Soft: -1, Hard: -1 }],
      Devices: [
        { PathOnHost: "/dev/loop7", PathInContainer: "/dev/loop7", CgroupPermissions: "rwm" },
        { PathOnHost: "/dev/kmsg", PathInContainer: "/dev/k", CgroupPermissions: "r" },
        { PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "w" },
      ],
      Sysctls: { "net.ipv4.ip_forward": "1", "kernel.shmmax": "4096" },
      ShmSize: 128 << 20, GroupAdd: ["tty", "123"], CpusetCpus: "0-1", CpusetMems: "0", MemoryReservation: 32 << 20,
      OomKillDisable: true, OomScoreAdj: -500, ContainerIDFile: "/tmp/cid",
    });
  });

  test("defaults as docker's inspect shows them (64m /dev/shm)", () => {
    const h = host([]);
    expect(h).toMatchObject({
      Ulimits: [], Devices: [], GroupAdd: null, ShmSize: 67108864, CpusetCpus: "", CpusetMems: "", MemoryReservation: 0,
      OomKillDisable: false, OomScoreAdj: 0, ContainerIDFile: "",
    });
    expect(h.Sysctls).toBeUndefined();
    expect(defaultHostConfig()).toMatchObject({ Ulimits: [], Devices: [], ShmSize: 67108864, OomKillDisable: false });
  });

  test("bad values: docker's messages, one line, exit 125", () => {
    const cases: [string[], string][] = [
      [["--ulimit", "nofile"], 'invalid argument "nofile" for "--ulimit" flag: invalid ulimit argument: nofile'],
      [["--ulimit", "files=1"], 'invalid argument "files=1" for "--ulimit" flag: invalid ulimit type: files'],
      [["--ulimit", "nofile=x"], 'invalid argument "nofile=x" for "--ulimit" flag: strconv.ParseInt: parsing "x": invalid syntax'],
      [["--ulimit", "nofile=1:2:3"], 'invalid argument "nofile=1:2:3" for "--ulimit" flag: too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`'],
      [["--ulimit", "nofile=10:5"], 'invalid argument "nofile=10:5" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 10 > 5'],
      [["--device", ":/dev/x"], 'invalid argument ":/dev/x" for "--device" flag: bad format for path: :/dev/x'],
      [["--device", "/dev/a:/dev/b:rwx"], 'invalid argument "/dev/a:/dev/b:rwx" for "--device" flag: bad mode specified: rwx'],
      [["--device", "/dev/a:b"], 'invalid argument "/dev/a:b" for "--device" flag: b is not an absolute path'],
      [["--device", "/a:/b:r:w"], 'invalid argument "/a:/b:r:w" for "--device" flag: bad format for path: /a:/b:r:w'],
      [["--sysctl", "kernel.pid_max=9"], `invalid argument "kernel.pid_max=9" for "--sysctl" flag: sysctl 'kernel.pid_max=9' is not allowed`],
      [["--sysctl", "net.ipv4.ip_forward"], `invalid argument "net.ipv4.ip_forward" for "--sysctl" flag: sysctl 'net.ipv4.ip_forward' is not allowed`],
      [["--shm-size", "big"], `invalid argument "big" for "--shm-size" flag: invalid size: 'big'`],
      [["--memory-reservation", "1q"], `invalid argument "1q" for "--memory-reservation" flag: invalid size: '1q'`],
      [["--oom-score-adj", "-1001"], "Invalid value -1001, range for oom score adj is [-1000, 1000]"],
      [["--oom-score-adj", "x"], 'invalid argument "x" for "--oom-score-adj" flag: strconv.ParseInt: parsing "x": invalid syntax'],
      [["--cpuset-cpus", "1-0"], "Invalid value 1-0 for cpuset cpus: invalid format: 1-0"],
      [["--cpuset-mems", "a"], "Invalid value a for cpuset mems: invalid format: a"],
    ];
    for (const [args, message] of cases) {
      const e = failure(() => host(args));
      expect(e).toBeInstanceOf(UserError);
      expect([args, e.message, e.exitCode]).toEqual([args, message, 125]);
    }
  });
});

test("parseUlimit and parseDevice: docker's defaults and path cleaning", () => {
  expect(parseUlimit("nproc=10")).toEqual({ Name: "nproc", Soft: 10, Hard: 10 });
  expect(parseUlimit("memlock=-1:-1")).toEqual({ Name: "memlock", Soft: -1, Hard: -1 });
  expect(parseUlimit("stack=100:-1")).toEqual({ Name: "stack", Soft: 100, Hard: -1 });
  expect(parseDevice("/dev/../dev/loop7:/dev//x/")).toEqual({ PathOnHost: "/dev/loop7", PathInContainer: "/dev/x", CgroupPermissions: "rwm" });
  expect(parseDevice("/dev/loop7:mr").CgroupPermissions).toBe("mr");
});

test("sysctls need the container's own namespace", () => {
  const check = (Sysctls: Record<string, string>, NetworkMode: string, IpcMode: string) => () =>
    checkSysctlNamespaces({ Sysctls, NetworkMode, IpcMode });
  expect(check({ "net.core.somaxconn": "1" }, "default", "")).not.toThrow();
  expect(check({ "net.core.somaxconn": "1" }, "none", "host")).not.toThrow();
  expect(check({ "fs.mqueue.msg_max": "1" }, "host", "private")).not.toThrow();
  expect(failure(check({ "net.core.somaxconn": "1" }, "host", "")).message).toBe('sysctl "net.core.somaxconn" not allowed in host network namespace');
  expect(failure(check({ "kernel.sem": "1" }, "default", "host")).message).toBe('sysctl "kernel.sem" is not allowed in the hosts ipc namespace');
  expect(failure(check({ "net.core.somaxconn": "1" }, "container:abc", "")).message).toMatch(/network namespace is shared with container:abc/);
  expect(failure(check({ "kernel.shmall": "1" }, "default", "container:abc")).exitCode).toBe(125);
});

test("cpuset availability and memory reservation (the daemon's checks)", () => {
  expect(() => checkCpuset("0,1", "0-1\n", "cpus")).not.toThrow();
  expect(failure(() => checkCpuset("0-3", "0-1\n", "cpus")).message).toBe("Requested CPUs are not available - requested 0-3, available: 0-1");
  expect(failure(() => checkCpuset("1", "0", "mems")).message).toBe("Requested memory nodes are not available - requested 1, available: 0");
  expect(failure(() => checkMemoryReservation({ Memory: 0, MemoryReservation: 1 << 20 })).message).toBe("Minimum memory reservation allowed is 6MB");
  expect(failure(() => checkMemoryReservation({ Memory: 8 << 20, MemoryReservation: 16 << 20 })).message).toBe(
    "Minimum memory limit can not be less than memory reservation limit, see usage",
  );
  expect(() => checkMemoryReservation({ Memory: 0, MemoryReservation: 16 << 20 })).not.toThrow();
});

test("a hard ulimit above ours needs CAP_SYS_RESOURCE: one line", () => {
  const limits = [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max open files            20000                20000                files     ",
    "Max core file size        0                    unlimited            bytes     ",
  ].join("\n");
  const noSysResource = "000001fffeffffff";
  expect(() => checkUlimitsGrantable([{ Name: "nofile", Soft: 100, Hard: 20000 }], limits, noSysResource)).not.toThrow();
  expect(() => checkUlimitsGrantable([{ Name: "core", Soft: -1, Hard: -1 }], limits, noSysResource)).not.toThrow();
  const e = failure(() => checkUlimitsGrantable([{ Name: "nofile", Soft: 100, Hard: 30000 }], limits, noSysResource));
  expect([e.message, e.exitCode]).toEqual(["--ulimit nofile: cannot raise the hard limit to 30000 above the current 20000 without CAP_SYS_RESOURCE", 125]);
  expect(failure(() => checkUlimitsGrantable([{ Name: "nofile", Soft: -1, Hard: -1 }], limits, noSysResource)).message).toMatch(/to unlimited above/);
  expect(() => checkUlimitsGrantable([{ Name: "nofile", Soft: 1, Hard: 30000 }], limits, "000001ffffffffff")).not.toThrow();
});

test("--group-add: gids and names from the image's /etc/group, each once", () => {
  const group = "root:x:0:\ntty:x:5:\nstaff:x:50:\n";
  const user = { uid: 0, gid: 0, additionalGids: [5], home: "/root" };
  expect(addGroups(user, ["staff", "7", "tty"], group).additionalGids).toEqual([5, 50, 7]);
  expect(addGroups(user, null, group)).toBe(user);
  expect(failure(() => addGroups(user, ["wheel"], group)).message).toBe("Unable to find group wheel: no matching entries in group file");
});

test("splitDev: Linux's dev_t encoding", () => {
  expect(splitDev(0x0707n)).toEqual({ major: 7, minor: 7 });
  expect(splitDev((259n << 8n) | 3n | (0x100n << 12n))).toEqual({ major: 259, minor: 0x103 });
});

describe("HostConfig -> OCI config", () => {
  const inputs = (h: Partial<HostConfig>, devices: HostDevice[] = []): SpecInputs => ({
    id: "c1", config: { Tty: false, WorkingDir: "" } as SpecInputs["config"], host: { ...defaultHostConfig(), ...h },
    rootfs: "/r", args: ["sh"], env: [], user: { uid: 0, gid: 0, additionalGids: [], home: "/" }, hostname: "h", namespaces: {},
    etcFiles: { hostname: "/e/h", hosts: "/e/hs", resolvConf: "/e/r" }, mounts: [], devices,
  });
  const loop: HostDevice = { path: "/dev/x", type: "b", major: 7, minor: 7, fileMode: 0o600, uid: 0, gid: 6, permissions: "r" };

  test("rlimits, oomScoreAdj, devices with their cgroup rule, sysctl, shm, cpuset, memory", () => {
    const s = buildSpec(inputs({
      Ulimits: [{ Name: "nofile", Soft: 10, Hard: 20 }], OomScoreAdj: 300, Sysctls: { "net.core.somaxconn": "64" },
      ShmSize: 1 << 20, CpusetCpus: "1", CpusetMems: "0", MemoryReservation: 8 << 20, OomKillDisable: true, Memory: 64 << 20,
    }, [loop]));
    expect(s.process!.rlimits).toEqual([{ type: "RLIMIT_NOFILE", soft: 10, hard: 20 }]);
    expect(s.process!.oomScoreAdj).toBe(300);
    expect(s.linux!.devices).toEqual([{ path: "/dev/x", type: "b", major: 7, minor: 7, fileMode: 0o600, uid: 0, gid: 6 }]);
    expect(s.linux!.resources!.devices).toEqual([{ allow: false, access: "rwm" }, { allow: true, type: "b", major: 7, minor: 7, access: "r" }]);
    expect(s.linux!.sysctl).toEqual({ "net.core.somaxconn": "64" });
    expect(s.mounts!.find((m) => m.destination === "/dev/shm")!.options).toEqual(["nosuid", "noexec", "nodev", "mode=1777", "size=1048576"]);
    expect(s.linux!.resources!.cpu).toEqual({ cpus: "1", mems: "0" });
    expect(s.linux!.resources!.memory).toEqual({ limit: 64 << 20, swap: 128 << 20, reservation: 8 << 20, disableOOMKiller: true });
  });

  test("none given: no rlimits (ours pass through), no devices or sysctls, docker's 64m /dev/shm", () => {
    const s = buildSpec(inputs({}));
    expect(s.process!.rlimits).toBeUndefined();
    expect(s.process!.oomScoreAdj).toBeUndefined();
    expect(s.linux!.devices).toBeUndefined();
    expect(s.linux!.sysctl).toBeUndefined();
    expect(s.mounts!.find((m) => m.destination === "/dev/shm")!.options).toContain("size=67108864");
    expect(s.linux!.resources!.memory).toBeUndefined();
  });

  test("--privileged keeps its allow-all rule; -1 is written as RLIM_INFINITY exactly", () => {
    const s = buildSpec(inputs({ Privileged: true, Ulimits: [{ Name: "memlock", Soft: -1, Hard: -1 }] }, [loop]));
    expect(s.linux!.resources!.devices).toEqual([{ allow: true, access: "rwm" }]);
    expect(specJson(s)).toContain('{"type":"RLIMIT_MEMLOCK","hard":18446744073709551615,"soft":18446744073709551615}');
    expect(JSON.parse(specJson(s)).process.rlimits[0].hard).toBe(2 ** 64);
  });
});
