// The cgroup resources a container gets: its config's, plus device rules for the devices every
// container has (runc appends the same default rules after the config's own). The devices a config
// lists in linux.devices are created, but reachable only as linux.resources.devices allows, as with
// runc: docker and podman add the rule (with the permissions asked for, e.g. --device X:r) there.
import { DEFAULT_DEVICE_RULES, type LinuxResources } from "../linux/cgroups/index.ts";
import type { Spec } from "../oci/spec.ts";

export function containerResources(spec: Spec): LinuxResources {
  const resources = (spec.linux?.resources ?? {}) as LinuxResources;
  if (!resources.devices?.length) return resources;
  return { ...resources, devices: [...resources.devices, ...DEFAULT_DEVICE_RULES] as LinuxResources["devices"] };
}
