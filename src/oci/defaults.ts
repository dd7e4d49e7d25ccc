// The config.json that `nsbox-runtime spec` writes: runc's example, so bundles made for runc and
// for nsbox-runtime are the same, plus what runc's example leaves out and docker/podman add: the
// default seccomp profile. `rootless` adapts it for a user namespace.
import type * as DefaultProfile from "./seccomp/default-profile.ts";
import type * as Profile from "./seccomp/profile.ts";
import type { LinuxSeccomp } from "./seccomp/types.ts";
import type { Spec } from "./spec.ts";

const CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

/** The docker/podman default seccomp profile as OCI `linux.seccomp` for a process whose bounding set
 * is `capabilities` (some rules follow capabilities: chroot needs CAP_SYS_CHROOT...); undefined on
 * a machine architecture the profile has no rules for. Callers that change capabilities after
 * defaultSpec() should call this again with the new set. */
export function defaultSeccomp(capabilities: readonly string[], arch: string = process.arch): LinuxSeccomp | undefined {
  if (!["x64", "ia32", "arm64", "arm"].includes(arch)) return undefined;
  // Loaded on use: the engine builds its specs from defaultSpec({ seccomp: false }) and resolves
  // the profile for the container's own capabilities (or takes it from its cache).
  const { DEFAULT_SECCOMP_PROFILE } = require("./seccomp/default-profile.ts") as typeof DefaultProfile;
  const { seccompFromProfile } = require("./seccomp/profile.ts") as typeof Profile;
  return seccompFromProfile(DEFAULT_SECCOMP_PROFILE, { arch, capabilities });
}

/** `seccomp: false` leaves linux.seccomp out (for a caller that sets its own: resolving the profile costs ~0.2 ms). */
export function defaultSpec(opts: { seccomp?: boolean } = {}): Spec {
  const seccomp = opts.seccomp === false ? undefined : defaultSeccomp(CAPS);
  return {
    // The version runc 1.1 writes: older runtimes (crun 1.8) refuse newer ones for the same content.
    ociVersion: "1.0.2-dev",
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ["sh"],
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
      cwd: "/",
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS], ambient: [...CAPS] },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: "rootfs", readonly: true },
    hostname: "nsbox",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      {
        destination: "/dev/pts", type: "devpts", source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
      },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: "rwm" }] },
      namespaces: [{ type: "pid" }, { type: "network" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, { type: "cgroup" }],
      maskedPaths: [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
      ],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
      ...(seccomp ? { seccomp: seccomp as unknown as Record<string, unknown> } : {}),
    },
  };
}

/** For an unprivileged user: a user namespace mapping them to root, /sys bound, no cgroup limits. */
export function rootlessSpec(uid: number, gid: number): Spec {
  const spec = defaultSpec();
  const linux = spec.linux!;
  linux.namespaces = [...linux.namespaces!.filter((n) => n.type !== "network" && n.type !== "cgroup"), { type: "user" }];
  linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
  linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
  delete linux.resources;
  spec.mounts = spec.mounts!
    .filter((m) => m.destination !== "/sys/fs/cgroup")
    .map((m) => {
      if (m.destination === "/dev/pts") return { ...m, options: m.options!.filter((o) => o !== "gid=5") };
      if (m.destination === "/sys") return { destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"] };
      return m;
    });
  return spec;
}
