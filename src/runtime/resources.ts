// The cgroup resources a container gets: its config's, plus device rules for the devices every
// container has and for those it lists (runc appends the same after the config's own rules).
import { DEFAULT_DEVICE_RULES, type LinuxResources } from "../linux/cgroups/index.ts";
import type { Spec } from "../oci/spec.ts";

export function containerResources(spec: Spec): LinuxResources {
  const resources = (spec.linux?.resources ?? {}) as LinuxResources;
  const listed = (spec.linux?.devices ?? []).map((d) => ({
    allow: true,
    type: d.type === "p" ? "c" : d.type,
    major: d.major ?? null,
    minor: d.minor ?? null,
    access: "rwm",
  }));
  if (!resources.devices?.length && !listed.length) return resources;
  return { ...resources, devices: [...(resources.devices ?? []), ...DEFAULT_DEVICE_RULES, ...listed] as LinuxResources["devices"] };
}
