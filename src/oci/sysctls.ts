// linux.sysctl: only keys that live in one of the container's own namespaces (runc's rule). Any
// other key is global: writing it from the container would change the host (vm.swappiness,
// kernel.pid_max, ...), so it is refused with the field named.
import { ConfigError } from "./validate.ts";

// IPC namespace keys besides fs.mqueue.* (ipc/ipc_sysctl.c).
const IPC_KEYS = new Set([
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);

/** Which namespaces the container has of its own (created or joined by path). */
export interface OwnNamespaces {
  ipc: boolean;
  network: boolean;
  uts: boolean;
}

/** The sysctls to write, in config order; refuses a key no own namespace holds. */
export function checkSysctls(sysctl: Record<string, string> | undefined, own: OwnNamespaces): [string, string][] {
  return Object.entries(sysctl ?? {}).map(([key, value]) => {
    const field = `linux.sysctl.${key}`;
    // "net/ipv4/ip_forward" is the same key as "net.ipv4.ip_forward".
    const name = key.replaceAll("/", ".");
    if (IPC_KEYS.has(name) || name.startsWith("fs.mqueue.")) {
      if (!own.ipc) throw new ConfigError(field, "needs an IPC namespace of the container's own (it would change the host's)");
    } else if (name.startsWith("net.")) {
      if (!own.network) throw new ConfigError(field, "needs a network namespace of the container's own (it would change the host's)");
    } else if (name === "kernel.domainname" && own.uts) {
      // in the UTS namespace
    } else if (name === "kernel.hostname" && own.uts) {
      throw new ConfigError(field, 'conflicts with the "hostname" field; set that instead');
    } else {
      throw new ConfigError(field, "is not in a namespace of the container: writing it would change the host");
    }
    return [key, value];
  });
}
