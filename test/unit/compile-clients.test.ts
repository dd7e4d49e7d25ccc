// What real clients' configs compile to where nsbox-runtime once differed from runc (pure; seen
// from inside by test/integration/clients-podman.test.ts):
// - a "cgroup" mount: in its own cgroup namespace the container mounts each hierarchy afresh;
//   without one (podman and containerd on cgroup v1) it gets its own cgroup directory
//   bind-mounted, as runc does, not the host's whole tree;
// - a new network namespace gets "lo" up (podman --network none, ctr run), a joined one is left as is.
import { describe, expect, test } from "bun:test";
import { MS } from "../../src/linux/plan-ids.ts";
import { compileCreate, type HostView } from "../../src/oci/compile.ts";
import type { Spec } from "../../src/oci/spec.ts";

const v1Host: HostView = {
  cgroupHierarchies: [
    { name: "memory", version: 1, options: "memory", containerDir: "/sys/fs/cgroup/memory/libpod_parent/c1" },
    { name: "systemd", version: 1, options: "name=systemd", containerDir: "/sys/fs/cgroup/systemd/libpod_parent/c1" },
    { name: "unified", version: 2, options: "hugetlb", containerDir: "/sys/fs/cgroup/unified/libpod_parent/c1" },
  ],
};

function spec(namespaces: { type: string; path?: string }[]): Spec {
  return {
    ociVersion: "1.0.2",
    process: { args: ["true"], cwd: "/", user: { uid: 0, gid: 0 } },
    root: { path: "rootfs" },
    mounts: [{ destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "ro"] }],
    linux: { namespaces },
  } as Spec;
}

const cgroupSteps = (s: Spec, host = v1Host) =>
  compileCreate(s, { bundle: "/b", host }).mounts!.filter((m) => m.destination.startsWith("/sys/fs/cgroup"));

describe("cgroup mount on cgroup v1 and hybrid", () => {
  test("without a cgroup namespace: tmpfs, the container's own directory bound read-only per hierarchy", () => {
    const steps = cgroupSteps(spec([{ type: "mount" }, { type: "pid" }]));
    expect(steps[0]).toMatchObject({ destination: "/sys/fs/cgroup", type: "tmpfs" });
    const binds = steps.slice(1, 4);
    expect(binds.map((m) => [m.source, m.destination])).toEqual([
      ["/sys/fs/cgroup/memory/libpod_parent/c1", "/sys/fs/cgroup/memory"],
      ["/sys/fs/cgroup/systemd/libpod_parent/c1", "/sys/fs/cgroup/systemd"],
      ["/sys/fs/cgroup/unified/libpod_parent/c1", "/sys/fs/cgroup/unified"],
    ]);
    for (const m of binds) {
      expect(m.type).toBeUndefined();
      expect(m.flags & (MS.BIND | MS.RDONLY | MS.NOSUID)).toBe(MS.BIND | MS.RDONLY | MS.NOSUID);
    }
    expect(steps[4]).toMatchObject({ destination: "/sys/fs/cgroup", flags: MS.REMOUNT | MS.BIND | MS.RDONLY });
  });

  test("in a new or joined cgroup namespace: fresh cgroup mounts (the namespace root is the container's cgroup)", () => {
    for (const ns of [{ type: "cgroup" }, { type: "cgroup", path: "/proc/1/ns/cgroup" }]) {
      const steps = cgroupSteps(spec([{ type: "mount" }, ns]));
      expect(steps.slice(1, 4).map((m) => [m.source, m.type, m.data])).toEqual([
        ["cgroup", "cgroup", "memory"],
        ["cgroup", "cgroup", "name=systemd"],
        ["cgroup", "cgroup2", undefined],
      ]);
    }
  });

  test("no container cgroup known (no cgroup created): fresh mounts as before", () => {
    const host: HostView = { cgroupHierarchies: [{ name: "memory", version: 1, options: "memory" }] };
    expect(cgroupSteps(spec([{ type: "mount" }]), host)[1]).toMatchObject({ source: "cgroup", type: "cgroup", data: "memory" });
  });

  test("pure cgroup v2 stays one cgroup2 mount", () => {
    const host: HostView = { cgroupHierarchies: [{ name: "", version: 2, options: "memory", containerDir: "/sys/fs/cgroup/x" }] };
    expect(cgroupSteps(spec([{ type: "mount" }]), host)).toEqual([
      expect.objectContaining({ source: "cgroup", destination: "/sys/fs/cgroup", type: "cgroup2" }),
    ]);
  });
});

describe("loopback", () => {
  test("a new network namespace asks the launcher to bring lo up; a joined one or none does not", () => {
    const plan = (ns: { type: string; path?: string }[]) => compileCreate(spec(ns), { bundle: "/b", host: v1Host });
    expect(plan([{ type: "mount" }, { type: "network" }]).loopbackUp).toBe(true);
    expect(plan([{ type: "mount" }, { type: "network", path: "/proc/1/ns/net" }]).loopbackUp).toBeUndefined();
    expect(plan([{ type: "mount" }]).loopbackUp).toBeUndefined();
  });
});

describe("/dev/ptmx", () => {
  test("with a /dev/pts mount, a /dev/ptmx device (podman --privileged) gives way to the pts/ptmx symlink", () => {
    const s = spec([{ type: "mount" }]);
    s.mounts!.push({ destination: "/dev", type: "tmpfs", source: "tmpfs" }, { destination: "/dev/pts", type: "devpts", source: "devpts" });
    s.linux!.devices = [{ path: "/dev/ptmx", type: "c", major: 5, minor: 2 }, { path: "/dev/kmsg", type: "c", major: 1, minor: 11 }];
    const plan = compileCreate(s, { bundle: "/b", host: v1Host });
    expect(plan.devices!.some((d) => d.path === "/dev/ptmx")).toBe(false);
    expect(plan.devices!.some((d) => d.path === "/dev/kmsg")).toBe(true);
    expect(plan.symlinks).toContainEqual({ target: "pts/ptmx", path: "/dev/ptmx" });
  });
});
