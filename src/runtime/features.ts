// `nsbox-runtime features`: what this runtime implements, in the runtime-spec features format.
import { CAPABILITIES } from "../oci/capabilities.ts";
import { SECCOMP_FLAG_NAMES } from "../oci/seccomp/actions.ts";
import { COMPILED_ARCHES } from "../oci/seccomp/arches.ts";
import { NAMESPACE_TYPES } from "../oci/validate.ts";

/** Whether the running kernel is at least MAJOR.MINOR (flags passed to seccomp(2) as given need it). */
function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = (require("node:os") as typeof import("node:os")).release().split(".").map((n) => Number.parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

export function features(capLastCap: string) {
  const last = Number.parseInt(capLastCap, 10);
  return {
    ociVersionMin: "1.0.0",
    ociVersionMax: "1.2.0",
    hooks: ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
    mountOptions: [
      "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "lazytime", "mand", "noatime",
      "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow",
      "private", "rbind", "relatime", "remount", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared",
      "slave", "strictatime", "suid", "sync", "unbindable",
    ],
    linux: {
      namespaces: [...NAMESPACE_TYPES],
      capabilities: Object.entries(CAPABILITIES).filter(([, bit]) => bit <= last).map(([name]) => name),
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false },
      seccomp: {
        enabled: true,
        actions: [
          "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
          "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
        ],
        operators: [
          "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
        ],
        archs: [...COMPILED_ARCHES].sort(),
        knownFlags: SECCOMP_FLAG_NAMES,
        supportedFlags: SECCOMP_FLAG_NAMES.filter((f) => f !== "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" || kernelAtLeast(5, 19)),
      },
      // "enabled": support compiled in, whatever the host has (features.md): the launcher writes
      // process.apparmorProfile and selinuxLabel to /proc/self/attr.
      apparmor: { enabled: true },
      selinux: { enabled: true },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: false } },
    },
    annotations: { "org.nsbox.runtime.launcher": "c" },
  };
}
