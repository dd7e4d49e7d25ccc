// What the compiler needs to know about this host, read once per command.
import { basename } from "node:path";
import type { CgroupLayout } from "../linux/cgroups/index.ts";
import type { HostView } from "../oci/compile.ts";

export function hostView(layout: CgroupLayout): HostView {
  return {
    cgroupHierarchies: layout.hierarchies.map((h) => {
      const pureV2 = layout.kind === "v2";
      return {
        name: pureV2 ? "" : basename(h.mountpoint),
        version: h.version,
        options: h.controllers.join(","),
      };
    }),
  };
}
