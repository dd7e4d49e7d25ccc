// Docker settings -> OCI config.json (pure), and the user/env/command rules behind it.
import { describe, expect, test } from "bun:test";
import { buildSpec, capabilities, commandLine, DOCKER_DEFAULT_CAPS, mergeEnv, type SpecInputs } from "../../src/engine/spec.ts";
import { defaultHostConfig } from "../../src/engine/engine.ts";
import { resolveUser } from "../../src/engine/user.ts";
import type { ContainerConfig } from "../../src/engine/types.ts";

const config = (c: Partial<ContainerConfig> = {}): ContainerConfig => ({
  Hostname: "abc", Domainname: "", User: "", AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: [], Cmd: ["sh"], Image: "busybox", Volumes: null, WorkingDir: "", Entrypoint: null,
  Labels: {}, ...c,
});

const inputs = (over: Partial<SpecInputs> = {}): SpecInputs => ({
  id: "f".repeat(64), config: config(), host: defaultHostConfig(), rootfs: "/r", args: ["sh"], env: ["PATH=/bin"],
  user: { uid: 0, gid: 0, additionalGids: [], home: "/root" }, hostname: "abc", namespaces: {},
  etcFiles: { hostname: "/d/hostname", hosts: "/d/hosts", resolvConf: "/d/resolv.conf" }, mounts: [], ...over,
});

describe("buildSpec", () => {
  test("defaults: every namespace new, docker's caps, cgroup /nsbox/<id>, etc files bound", () => {
    const s = buildSpec(inputs());
    expect(s.linux!.namespaces!.map((n) => n.type).sort()).toEqual(["cgroup", "ipc", "mount", "network", "pid", "uts"]);
    expect(s.linux!.cgroupsPath).toBe(`/nsbox/${"f".repeat(64)}`);
    expect(s.process!.capabilities!.bounding).toEqual(DOCKER_DEFAULT_CAPS);
    expect(s.process!.noNewPrivileges).toBe(false);
    expect(s.hostname).toBe("abc");
    expect(s.root).toEqual({ path: "/r", readonly: false });
    expect(s.linux!.seccomp).toBeUndefined(); // only what the engine resolved (none given here)
    expect(buildSpec(inputs({ seccomp: { defaultAction: "SCMP_ACT_ALLOW" } })).linux!.seccomp).toEqual({ defaultAction: "SCMP_ACT_ALLOW" });
    for (const f of ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"]) expect(s.mounts!.some((m) => m.destination === f && m.type === "bind")).toBe(true);
  });

  test("host and container:X namespaces; no hostname without a UTS namespace of its own", () => {
    const s = buildSpec(inputs({ namespaces: { network: { kind: "path", path: "/p/net" }, pid: { kind: "host" }, uts: { kind: "host" } } }));
    const ns = Object.fromEntries(s.linux!.namespaces!.map((n) => [n.type, n.path ?? "new"]));
    expect(ns).toEqual({ mount: "new", cgroup: "new", network: "/p/net", ipc: "new" });
    expect(s.hostname).toBeUndefined();
  });

  test("resources: memory (+ docker's swap default), pids, cpus, shares", () => {
    const host = { ...defaultHostConfig(), Memory: 64 << 20, PidsLimit: 50, NanoCpus: 1_500_000_000, CpuShares: 512 };
    const r = buildSpec(inputs({ host })).linux!.resources as Record<string, unknown>;
    expect(r.memory).toEqual({ limit: 64 << 20, swap: 128 << 20 });
    expect(r.pids).toEqual({ limit: 50 });
    expect(r.cpu).toEqual({ period: 100000, quota: 150000, shares: 512 });
  });

  test("read-only, privileged, no-new-privileges, tty", () => {
    const host = { ...defaultHostConfig(), ReadonlyRootfs: true, Privileged: true, SecurityOpt: ["no-new-privileges"], ConsoleSize: [30, 100] as [number, number] };
    const s = buildSpec(inputs({ host, config: config({ Tty: true }), availableCaps: ["CAP_CHOWN", "CAP_SYS_ADMIN"] }));
    expect(s.root!.readonly).toBe(true);
    expect(s.linux!.maskedPaths).toEqual([]);
    expect(s.process!.capabilities!.effective).toEqual(["CAP_CHOWN", "CAP_SYS_ADMIN"]);
    expect(s.process!.noNewPrivileges).toBe(true);
    expect(s.process!.terminal).toBe(true);
    expect(s.process!.consoleSize).toEqual({ height: 30, width: 100 });
  });
});

test("capabilities: drop then add, ALL, names with or without CAP_, unknown names refused", () => {
  expect(capabilities({ CapAdd: ["net_admin"], CapDrop: ["CAP_MKNOD"], Privileged: false })).toEqual([
    ...DOCKER_DEFAULT_CAPS.filter((c) => c !== "CAP_MKNOD"), "CAP_NET_ADMIN",
  ]);
  expect(capabilities({ CapAdd: ["CHOWN"], CapDrop: ["ALL"], Privileged: false })).toEqual(["CAP_CHOWN"]);
  expect(capabilities({ CapAdd: ["ALL"], CapDrop: null, Privileged: false }, ["CAP_KILL"])).toEqual(["CAP_KILL"]);
  expect(() => capabilities({ CapAdd: ["NOPE"], CapDrop: null, Privileged: false })).toThrow(/invalid capability: NOPE/);
});

test("commandLine and mergeEnv", () => {
  expect(commandLine(["redis-server"], ["--port", "1"])).toEqual(["redis-server", "--port", "1"]);
  expect(commandLine(null, null)).toEqual([]);
  expect(mergeEnv(["PATH=/x", "A=1"], ["A=2"], "h", true)).toEqual(["HOSTNAME=h", "PATH=/x", "A=2", "TERM=xterm"]);
  expect(mergeEnv([], [], "h", false)).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
});

describe("resolveUser", () => {
  const passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww:x:33:33::/var/www:/bin/sh\n";
  const group = "root:x:0:\nwww:x:33:\nadm:x:4:www\nnogroup:x:65534:\n";
  test("names, numbers, groups and supplementary groups", () => {
    expect(resolveUser("", passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: "/root" });
    expect(resolveUser("www", passwd, group)).toEqual({ uid: 33, gid: 33, additionalGids: [4], home: "/var/www" });
    expect(resolveUser("1000", passwd, group)).toEqual({ uid: 1000, gid: 0, additionalGids: [], home: "/" });
    expect(resolveUser("nobody:adm", passwd, group).gid).toBe(4);
    expect(resolveUser("5:7", passwd, group)).toMatchObject({ uid: 5, gid: 7 });
  });
  test("unknown names: 125", () => {
    expect(() => resolveUser("ghost", passwd, group)).toThrow(/unable to find user ghost/);
    expect(() => resolveUser("www:ghosts", passwd, group)).toThrow(/unable to find group ghosts/);
  });
});
