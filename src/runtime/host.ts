// What the compiler needs to know about this host, read once per command.
import { existsSync } from "../linux/fs.ts";
import { basename } from "node:path";
import type { CgroupHandle, CgroupLayout } from "../linux/cgroups/index.ts";
import type { HostView } from "../oci/compile.ts";

/** The layout's hierarchies, with the container's directory in each when it has a cgroup; whether
 * SELinux is enabled only when `askSelinux` (a config with linux.mountLabel). */
export function hostView(layout: CgroupLayout, cgroup?: CgroupHandle, askSelinux = false): HostView {
  return {
    selinux: askSelinux ? existsSync("/sys/fs/selinux/enforce") : undefined,
    cgroupHierarchies: layout.hierarchies.map((h) => {
      const pureV2 = layout.kind === "v2";
      return {
        name: pureV2 ? "" : basename(h.mountpoint),
        version: h.version,
        options: h.controllers.join(","),
        containerDir: cgroup?.dirs.find((d) => d.mountpoint === h.mountpoint)?.dir,
      };
    }),
  };
}
