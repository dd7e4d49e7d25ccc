// The pure OCI layer: config.json validation (errors name the JSON field), mount options, container
// paths, and the config → launcher plan compiler (validation rules: validate.test.ts). No root, no
// kernel: the host is a HostView.
import { describe, expect, test } from "bun:test";
import { CLONE, MS } from "../../src/linux/plan-ids.ts";
import { compileCreate, compileProcess, containerPath, type CompileOptions, type HostView } from "../../src/oci/compile.ts";
import { defaultSpec } from "../../src/oci/defaults.ts";
import { DEFAULT_DEVICES } from "../../src/oci/devices.ts";
import { parseMountOptions, rootPropagation } from "../../src/oci/mount-options.ts";
import type { Spec } from "../../src/oci/spec.ts";
import { ConfigError, validateSpec } from "../../src/oci/validate.ts";

const V2: HostView = { cgroupHierarchies: [{ name: "", version: 2, options: "" }] };
const V1: HostView = {
  cgroupHierarchies: [
    { name: "cpu,cpuacct", version: 1, options: "cpu,cpuacct" },
    { name: "memory", version: 1, options: "memory" },
  ],
};
const HYBRID: HostView = {
  cgroupHierarchies: [
    { name: "memory", version: 1, options: "memory" },
    { name: "unified", version: 2, options: "" },
  ],
};

const opts = (extra: Partial<CompileOptions> = {}): CompileOptions => ({ bundle: "/bundles/b1", host: V2, ...extra });
/** runc's default spec, edited; validated first so every case starts from a config the runtime takes. */
function spec(edit?: (s: Spec) => void): Spec {
  const s = defaultSpec();
  edit?.(s);
  return s;
}
const compile = (s: Spec, o: Partial<CompileOptions> = {}) => compileCreate(validateSpec(JSON.parse(JSON.stringify(s))), opts(o));

/** The message a validation or compile error gives for `s` (fails the test when none). */
function configError(s: unknown, needProcess = true): string {
  try {
    const v = validateSpec(JSON.parse(JSON.stringify(s)), needProcess);
    compileCreate(v, opts());
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("containerPath", () => {
  test("normalizes", () => {
    expect(containerPath("/a//b/./c/", "f")).toBe("/a/b/c");
    expect(containerPath("/a/b/../c", "f")).toBe("/a/c");
    expect(containerPath("relative/x", "f")).toBe("/relative/x");
    expect(containerPath("/", "f")).toBe("/");
  });
  test('refuses ".." above the root, naming the field', () => {
    expect(() => containerPath("/../etc", "mounts[3].destination")).toThrow('config.json: mounts[3].destination: "/../etc" escapes the container\'s root');
    expect(() => containerPath("/a/../../b", "x")).toThrow(ConfigError);
  });
});

describe("parseMountOptions", () => {
  test("flags set and cleared in order, as runc", () => {
    expect(parseMountOptions(["ro", "nosuid", "nodev", "noexec"]).flags).toBe(MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
    expect(parseMountOptions(["ro", "rw"]).flags).toBe(0);
    expect(parseMountOptions(["nosuid", "suid"]).flags).toBe(0);
    expect(parseMountOptions(["strictatime", "relatime", "noatime"]).flags).toBe(MS.STRICTATIME | MS.RELATIME | MS.NOATIME);
  });
  test("bind and rbind", () => {
    expect(parseMountOptions(["bind"])).toMatchObject({ bind: true, flags: MS.BIND });
    expect(parseMountOptions(["rbind"])).toMatchObject({ bind: true, flags: MS.BIND | MS.REC });
    expect(parseMountOptions([]).bind).toBe(false);
  });
  test("propagation is kept apart from the flags; the last one wins", () => {
    expect(parseMountOptions(["rprivate"])).toMatchObject({ flags: 0, propagation: MS.PRIVATE | MS.REC });
    expect(parseMountOptions(["shared", "slave"]).propagation).toBe(MS.SLAVE);
    expect(parseMountOptions(["runbindable"]).propagation).toBe(MS.UNBINDABLE | MS.REC);
  });
  test("everything else is filesystem data, in order; engine-only options are dropped", () => {
    expect(parseMountOptions(["nosuid", "mode=755", "size=65536k", "tmpcopyup", "z"])).toEqual({
      flags: MS.NOSUID, propagation: 0, data: "mode=755,size=65536k", bind: false,
    });
  });
  test("names of Object.prototype members are data, not flags", () => {
    expect(parseMountOptions(["constructor", "toString"]).data).toBe("constructor,toString");
  });
  test("rootfsPropagation: rslave by default, recursive always, unknown refused", () => {
    expect(rootPropagation(undefined)).toBe(MS.SLAVE | MS.REC);
    expect(rootPropagation("private")).toBe(MS.PRIVATE | MS.REC);
    expect(rootPropagation("rshared")).toBe(MS.SHARED | MS.REC);
    expect(() => rootPropagation("sideways")).toThrow(/sideways/);
  });
});

describe("compileCreate: namespaces", () => {
  test("new namespaces become CLONE_NEW* flags", () => {
    const plan = compile(spec());
    expect(plan.newNamespaces).toBe(CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS | CLONE.NEWNS | CLONE.NEWCGROUP);
    expect(plan.join).toEqual([]);
    expect(plan.setsid).toBe(true);
  });
  test("namespaces with a path are joined, not created", () => {
    const plan = compile(spec((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.map((n) =>
        n.type === "network" ? { type: "network", path: "/proc/42/ns/net" } : n.type === "ipc" ? { type: "ipc", path: "/run/ipc" } : n,
      );
    }));
    expect(plan.newNamespaces! & CLONE.NEWNET).toBe(0);
    expect(plan.newNamespaces! & CLONE.NEWIPC).toBe(0);
    expect(plan.newNamespaces! & CLONE.NEWPID).toBe(CLONE.NEWPID);
    expect(plan.join).toEqual([{ type: CLONE.NEWNET, path: "/proc/42/ns/net" }, { type: CLONE.NEWIPC, path: "/run/ipc" }]);
  });
  test("a new network namespace gets its loopback up; a joined one is left as it is", () => {
    expect(compile(spec()).loopbackUp).toBe(true);
    expect(compile(spec((s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "network")))).loopbackUp).toBeUndefined();
  });
  test("uid/gid maps become map text; a new user namespace makes the process its root", () => {
    const plan = compile(spec((s) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 1000 }, { containerID: 1000, hostID: 1000, size: 1 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    }));
    expect(plan.uidMap).toBe("0 100000 1000\n1000 1000 1\n");
    expect(plan.gidMap).toBe("0 200000 65536\n");
    expect(plan.newNamespaces! & CLONE.NEWUSER).toBe(CLONE.NEWUSER);
    expect(plan.usernsRoot).toBe(true);
  });
  test("mappings without a user namespace, or a user namespace without mappings, are refused", () => {
    expect(configError(spec((s) => (s.linux!.uidMappings = [{ containerID: 0, hostID: 1, size: 1 }])))).toMatch(/^config\.json: linux\.uidMappings: /);
    expect(configError(spec((s) => s.linux!.namespaces!.push({ type: "user" })))).toMatch(/^config\.json: linux\.uidMappings: .*needs uid mappings/);
  });
  test("a hostname needs a UTS namespace", () => {
    expect(configError(spec((s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "uts"))))).toMatch(/^config\.json: hostname: /);
    expect(compile(spec((s) => (s.hostname = "h1"))).hostname).toBe("h1");
  });
  test("without a mount namespace the container is only chrooted, with a note", () => {
    const notes: string[] = [];
    const s = spec((x) => (x.linux!.namespaces = x.linux!.namespaces!.filter((n) => n.type !== "mount")));
    const plan = compileCreate(s, opts(), notes);
    expect(plan.rootfs).toBeUndefined();
    expect(plan.enterRoot).toBe("/bundles/b1/rootfs");
    expect(plan.mounts).toBeUndefined();
    expect(notes.length).toBe(1);
  });
});

describe("compileCreate: root and mounts", () => {
  test("root.path is resolved against the bundle; readonly and propagation carried", () => {
    const plan = compile(spec((s) => (s.linux!.rootfsPropagation = "private")));
    expect(plan.rootfs).toBe("/bundles/b1/rootfs");
    expect(plan.rootReadonly).toBe(true);
    expect(plan.rootPropagation).toBe(MS.PRIVATE | MS.REC);
    expect(compile(spec((s) => (s.root = { path: "/abs/root" }))).rootfs).toBe("/abs/root");
    expect(compile(spec(), { noPivot: true }).noPivot).toBe(true);
  });
  test("linux.mountLabel labels tmpfs mounts (context=) only where SELinux is enabled, as runc", () => {
    const labelled = spec((s) => (s.linux!.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"));
    const tmpfsData = (host: HostView) => compile(labelled, { host }).mounts!.filter((m) => m.type === "tmpfs").map((m) => m.data);
    const withSelinux = tmpfsData({ ...V2, selinux: true });
    expect(withSelinux.length).toBeGreaterThan(0);
    for (const d of withSelinux) expect(d).toMatch(/(^|,)context="system_u:object_r:container_file_t:s0:c1,c2"$/);
    expect(compile(labelled, { host: { ...V2, selinux: true } }).mounts!.filter((m) => m.type !== "tmpfs" && m.data?.includes("context="))).toEqual([]);
    expect(tmpfsData({ ...V2, selinux: false }).some((d) => d?.includes("context="))).toBe(false);
  });
  test("an unknown rootfsPropagation names the field", () => {
    expect(configError(spec((s) => (s.linux!.rootfsPropagation = "sideways"))) ).toMatch(/^config\.json: linux\.rootfsPropagation: /);
  });
  test("mount flags, data and propagation in config order", () => {
    const plan = compile(spec((s) => {
      s.mounts = [
        { destination: "/proc", type: "proc", source: "proc" },
        { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
        { destination: "/data/", type: "tmpfs", source: "tmpfs", options: ["ro", "rshared", "size=1m"] },
      ];
    }));
    expect(plan.mounts).toEqual([
      { source: "proc", destination: "/proc", type: "proc", flags: 0, propagation: undefined, data: undefined },
      { source: "tmpfs", destination: "/dev", type: "tmpfs", flags: MS.NOSUID | MS.STRICTATIME, propagation: undefined, data: "mode=755,size=65536k" },
      { source: "tmpfs", destination: "/data", type: "tmpfs", flags: MS.RDONLY, propagation: MS.SHARED | MS.REC, data: "size=1m" },
    ]);
  });
  test("bind sources are resolved against the bundle; type bind or option bind both bind", () => {
    const plan = compile(spec((s) => {
      s.mounts = [
        { destination: "/a", type: "bind", source: "data", options: ["ro"] },
        { destination: "/b", type: "none", source: "/abs/src", options: ["rbind", "rprivate"] },
        { destination: "/c", source: "../rel", options: ["bind"] },
      ];
    }));
    expect(plan.mounts!.map((m) => [m.source, m.destination, m.type, m.flags, m.propagation])).toEqual([
      ["/bundles/b1/data", "/a", undefined, MS.RDONLY | MS.BIND, undefined],
      ["/abs/src", "/b", undefined, MS.BIND | MS.REC, MS.PRIVATE | MS.REC],
      ["/bundles/rel", "/c", undefined, MS.BIND, undefined],
    ]);
  });
  test("a bind mount without a source names the field", () => {
    expect(configError(spec((s) => s.mounts!.push({ destination: "/x", type: "bind" })))).toBe("config.json: mounts[7].source: a bind mount needs a source");
  });
  test('a destination escaping by ".." names the field', () => {
    expect(configError(spec((s) => s.mounts!.push({ destination: "/tmp/../../x", type: "tmpfs", source: "tmpfs" })))).toBe(
      'config.json: mounts[7].destination: "/tmp/../../x" escapes the container\'s root',
    );
  });
});

describe("compileCreate: cgroup mounts", () => {
  const cgroupOnly = (ro = true) =>
    spec((s) => (s.mounts = [{ destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", ...(ro ? ["ro"] : [])] }]));

  test("cgroup v2: one cgroup2 mount", () => {
    expect(compile(cgroupOnly(), { host: V2 }).mounts).toEqual([
      { source: "cgroup", destination: "/sys/fs/cgroup", type: "cgroup2", flags: MS.NOSUID | MS.RDONLY },
    ]);
  });
  test("cgroup v1: a writable tmpfs, one cgroup mount per hierarchy with its controllers, then read-only", () => {
    expect(compile(cgroupOnly(), { host: V1 }).mounts).toEqual([
      { source: "tmpfs", destination: "/sys/fs/cgroup", type: "tmpfs", flags: MS.NOSUID, data: "mode=755" },
      { source: "cgroup", destination: "/sys/fs/cgroup/cpu,cpuacct", type: "cgroup", flags: MS.NOSUID | MS.RDONLY, data: "cpu,cpuacct" },
      { source: "cgroup", destination: "/sys/fs/cgroup/memory", type: "cgroup", flags: MS.NOSUID | MS.RDONLY, data: "memory" },
      { destination: "/sys/fs/cgroup", flags: MS.REMOUNT | MS.BIND | MS.RDONLY },
    ]);
  });
  test("hybrid: v1 hierarchies plus cgroup2 at unified; a writable mount has no final remount", () => {
    const mounts = compile(cgroupOnly(false), { host: HYBRID }).mounts!;
    expect(mounts.map((m) => [m.destination, m.type])).toEqual([
      ["/sys/fs/cgroup", "tmpfs"], ["/sys/fs/cgroup/memory", "cgroup"], ["/sys/fs/cgroup/unified", "cgroup2"],
    ]);
  });
  test("v1 without a cgroup namespace: the container's own directories are bind-mounted", () => {
    const host: HostView = { cgroupHierarchies: [{ name: "memory", version: 1, options: "memory", containerDir: "/sys/fs/cgroup/memory/nsbox-runtime/c1" }] };
    const s = cgroupOnly();
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== "cgroup");
    const mounts = compile(s, { host }).mounts!;
    expect(mounts[1]).toEqual({ source: "/sys/fs/cgroup/memory/nsbox-runtime/c1", destination: "/sys/fs/cgroup/memory", flags: MS.NOSUID | MS.RDONLY | MS.BIND });
  });
});

describe("compileCreate: devices", () => {
  test("the default devices and /dev symlinks, with /dev/ptmx when /dev/pts is mounted", () => {
    const plan = compile(spec());
    expect(plan.devices!.map((d) => d.path).sort()).toEqual(["/dev/full", "/dev/null", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero"]);
    expect(plan.devices!.find((d) => d.path === "/dev/null")).toMatchObject({ type: "c", major: 1, minor: 3, mode: 0o666 });
    expect(plan.symlinks).toEqual([
      { target: "/proc/self/fd", path: "/dev/fd" },
      { target: "/proc/self/fd/0", path: "/dev/stdin" },
      { target: "/proc/self/fd/1", path: "/dev/stdout" },
      { target: "/proc/self/fd/2", path: "/dev/stderr" },
      { target: "pts/ptmx", path: "/dev/ptmx" },
    ]);
    const noPts = compile(spec((s) => (s.mounts = s.mounts!.filter((m) => m.destination !== "/dev/pts"))));
    expect(noPts.symlinks!.some((l) => l.path === "/dev/ptmx")).toBe(false);
  });
  test("linux.devices are added, replacing a default at the same path", () => {
    const plan = compile(spec((s) => {
      s.linux!.devices = [
        { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 },
        { path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 0o640 },
        { path: "/dev/ttyX", type: "u", major: 4, minor: 64 },
      ];
    }));
    expect(plan.devices!.find((d) => d.path === "/dev/fuse")).toMatchObject({ type: "c", major: 10, minor: 229, mode: 0o600 });
    expect(plan.devices!.filter((d) => d.path === "/dev/null")).toEqual([expect.objectContaining({ mode: 0o640 })]);
    expect(plan.devices!.find((d) => d.path === "/dev/ttyX")!.type).toBe("c");
  });
  test("a device outside /dev names the field", () => {
    expect(configError(spec((s) => (s.linux!.devices = [{ path: "/etc/x", type: "c", major: 1, minor: 1 }])))).toMatch(/^config\.json: linux\.devices\[0\]\.path: /);
  });
  test("in a new user namespace devices are bind-mounted from the host (mknod is refused there)", () => {
    const plan = compile(spec((s) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
    }));
    expect(plan.devices!.length).toBeGreaterThan(0);
    expect(plan.devices!.every((d) => d.bind === true)).toBe(true);
  });
  test("compiling a user-namespace config does not change the defaults for the next container", () => {
    compile(spec((s) => {
      s.linux!.namespaces!.push({ type: "user" });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
    }));
    expect(DEFAULT_DEVICES.some((d) => d.bind)).toBe(false);
    expect(compile(spec()).devices!.some((d) => d.bind)).toBe(false);
  });
  test("a bind-mounted /dev gets no default devices or symlinks", () => {
    const plan = compile(spec((s) => (s.mounts = [{ destination: "/dev", type: "bind", source: "/dev", options: ["rbind"] }])));
    expect(plan.devices).toEqual([]);
    expect(plan.symlinks).toEqual([]);
  });
});

describe("compileCreate: sysctls", () => {
  const withSysctl = (sysctl: Record<string, string>, drop: string[] = []) =>
    spec((s) => {
      s.linux!.sysctl = sysctl;
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => !drop.includes(n.type));
    });
  test("namespaced keys pass, in order; the slash form too", () => {
    expect(compile(withSysctl({ "net.ipv4.ip_forward": "1", "kernel.shmmax": "1000", "fs.mqueue.msg_max": "20", "net/ipv4/tcp_syncookies": "0", "kernel.domainname": "d" })).sysctls).toEqual([
      ["net.ipv4.ip_forward", "1"], ["kernel.shmmax", "1000"], ["fs.mqueue.msg_max", "20"], ["net/ipv4/tcp_syncookies", "0"], ["kernel.domainname", "d"],
    ]);
  });
  test("a joined namespace counts as the container's own", () => {
    const s = withSysctl({ "net.ipv4.ip_forward": "1" });
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "network" ? { type: "network", path: "/run/netns/x" } : n));
    expect(compile(s).sysctls).toEqual([["net.ipv4.ip_forward", "1"]]);
  });
  test("global keys are refused: they would change the host", () => {
    expect(configError(withSysctl({ "vm.swappiness": "10" }))).toBe(
      "config.json: linux.sysctl.vm.swappiness: is not in a namespace of the container: writing it would change the host",
    );
    expect(configError(withSysctl({ "kernel.pid_max": "100" }))).toMatch(/^config\.json: linux\.sysctl\.kernel\.pid_max: /);
  });
  test("namespaced keys without that namespace are refused", () => {
    expect(configError(withSysctl({ "net.ipv4.ip_forward": "1" }, ["network"]))).toMatch(/^config\.json: linux\.sysctl\.net\.ipv4\.ip_forward: needs a network namespace/);
    expect(configError(withSysctl({ "kernel.msgmax": "1" }, ["ipc"]))).toMatch(/^config\.json: linux\.sysctl\.kernel\.msgmax: needs an IPC namespace/);
    const noUts = withSysctl({ "kernel.domainname": "d" }, ["uts"]);
    delete noUts.hostname;
    expect(configError(noUts)).toMatch(/^config\.json: linux\.sysctl\.kernel\.domainname: /);
  });
  test("kernel.hostname is refused in favour of the hostname field", () => {
    expect(configError(withSysctl({ "kernel.hostname": "h" }))).toMatch(/conflicts with the "hostname" field/);
  });
});

describe("compileProcess", () => {
  test("the process fields", () => {
    const s = spec((x) => {
      x.process!.user = { uid: 1000, gid: 1001, umask: 0o077, additionalGids: [5, 6] };
      x.process!.cwd = "/home";
      x.process!.oomScoreAdj = -100;
    });
    const p = compileProcess(s.process!);
    expect(p).toMatchObject({ args: ["sh"], cwd: "/home", uid: 1000, gid: 1001, umask: 0o077, groups: [5, 6], terminal: true, noNewPrivileges: true, oomScoreAdj: -100 });
    expect(p.env).toEqual(s.process!.env!);
    expect(compileProcess({ ...s.process!, user: { uid: 0, gid: 0 } }).umask).toBe(0o022);
  });
  test("rlimit names become resource numbers", () => {
    const p = compileProcess(spec((s) => {
      s.process!.rlimits = [
        { type: "RLIMIT_NOFILE", soft: 1024, hard: 4096 },
        { type: "RLIMIT_CORE", soft: 0, hard: 0 },
        { type: "RLIMIT_NPROC", soft: 100, hard: 200 },
      ];
    }).process!);
    expect(p.rlimits).toEqual([{ resource: 7, soft: 1024n, hard: 4096n }, { resource: 4, soft: 0n, hard: 0n }, { resource: 6, soft: 100n, hard: 200n }]);
  });
  test("RLIM_INFINITY as config.json writes it (2^64-1, parsed to the double 2^64) stays unlimited", () => {
    const parsed = JSON.parse('{"type":"RLIMIT_MEMLOCK","soft":18446744073709551615,"hard":18446744073709551615}');
    const p = compileProcess(spec((s) => (s.process!.rlimits = [parsed])).process!);
    expect(p.rlimits).toEqual([{ resource: 8, soft: 2n ** 64n - 1n, hard: 2n ** 64n - 1n }]);
  });
  test("a duplicated rlimit type is an error naming both entries (runtime-spec MUST)", () => {
    const twice = spec((s) => (s.process!.rlimits = [{ type: "RLIMIT_NOFILE", soft: 1, hard: 2 }, { type: "RLIMIT_CORE", soft: 0, hard: 0 }, { type: "RLIMIT_NOFILE", soft: 3, hard: 4 }]));
    expect(configError(twice)).toBe('config.json: process.rlimits[2].type: "RLIMIT_NOFILE" is already set by process.rlimits[0]');
  });
  test("an unknown rlimit names the field, even one named like an Object member", () => {
    for (const type of ["RLIMIT_BOGUS", "constructor", "toString"]) {
      expect(configError(spec((s) => (s.process!.rlimits = [{ type, soft: 1, hard: 1 }])))).toBe(`config.json: process.rlimits[0].type: unknown rlimit "${type}"`);
    }
  });
  test("capabilities become masks; ambient only where permitted and inheritable allow it", () => {
    const p = compileProcess(spec().process!);
    // CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10); the default has no inheritable set
    const want = (1n << 29n) | (1n << 5n) | (1n << 10n);
    expect(p.capabilities).toMatchObject({ bounding: want, effective: want, permitted: want, ambient: 0n, inheritable: 0n });
    const q = compileProcess(spec((s) => (s.process!.capabilities!.inheritable = ["CAP_KILL"])).process!);
    expect(q.capabilities!.ambient).toBe(1n << 5n);
  });
  test("an unknown personality domain names the field", () => {
    expect(configError(spec((s) => (s.linux!.personality = { domain: "WINDOWS" })))).toMatch(/^config\.json: linux\.personality\.domain: unknown domain "WINDOWS"/);
    expect(configError(spec((s) => (s.linux!.personality = { domain: "constructor" })))).toMatch(/^config\.json: linux\.personality\.domain: /);
    expect(compile(spec((s) => (s.linux!.personality = { domain: "LINUX32" }))).personality).toBe(8);
  });
});
