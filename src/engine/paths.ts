// Where the engine keeps things. Under its root (--root, $NSBOX_ROOT, /var/lib/nsbox), what must
// survive a reboot:
//   engine/containers.db          SQLite metadata
//   engine/containers/<id>/       the container's log (<id>-json.log; a --rm one's is in its run directory)
//   image/                        the image store (src/image)
//   volumes/                      named and anonymous volumes
// Under its run root ($NSBOX_RUNROOT, /run/nsbox, <root>/run; a tmpfs: run-root.ts), what
// describes this boot's processes and mounts:
//   containers/<id>/              bundle (config.json), hostname, hosts, resolv.conf, status.json
//                                 (monitor), ctl fifo, stopped marker, attached.PID leases, ns/ pins
//   sock/<id12>                   attach socket (short: sun_path holds 108 bytes)
//   waiters/<id>.<pid>            wait's registrations
//   runtime/, runtime-<name>/     the OCI runtimes' state roots for the engine's containers
import { runRootFor } from "./run-root.ts";

export const DEFAULT_ROOT = "/var/lib/nsbox";

export function engineRoot(root?: string): string {
  return root ?? process.env.NSBOX_ROOT ?? DEFAULT_ROOT;
}

export class EnginePaths {
  readonly runRoot: string;
  constructor(
    readonly root: string,
    runRoot?: string,
  ) {
    this.runRoot = runRoot ?? runRootFor(root, DEFAULT_ROOT, process.env.NSBOX_RUNROOT);
  }
  get db(): string {
    return `${this.root}/engine/containers.db`;
  }
  get runtimeRoot(): string {
    return `${this.runRoot}/runtime`;
  }
  /** Docker's seccomp profile resolved per capability set (seccomp-profile.ts); beside the runtime's
   * compiled programs ("@": never a container id), so it goes with the run root. */
  get seccompProfiles(): string {
    return `${this.runtimeRoot}/@seccomp-profiles`;
  }
  /** The cgroup mounts of mountinfo, kept for detectLayout (src/linux/cgroups/layout-cache.ts). */
  get cgroupLayoutCache(): string {
    return `${this.runtimeRoot}/@cgroup-layout.json`;
  }
  /** The container's ephemeral files (run root). */
  dir(id: string): string {
    return `${this.runRoot}/containers/${id}`;
  }
  /** Where its overlay root filesystem is mounted (the writable layer stays in the image store). */
  merged(id: string): string {
    return `${this.dir(id)}/merged`;
  }
  /** Empty mount targets laid over every image (init-layer.ts). */
  get initLayer(): string {
    return `${this.root}/engine/init-layer`;
  }
  /** The container's persistent files: its log. */
  dataDir(id: string): string {
    return `${this.root}/engine/containers/${id}`;
  }
  log(id: string): string {
    return `${this.dataDir(id)}/${id}-json.log`;
  }
  status(id: string): string {
    return `${this.dir(id)}/status.json`;
  }
  socket(id: string): string {
    return `${this.runRoot}/sock/${id.slice(0, 12)}`;
  }
  get waiters(): string {
    return `${this.runRoot}/waiters`;
  }
  volume(name: string): string {
    return `${this.root}/volumes/${name}/_data`;
  }
}

// Inside a `bun build --compile` binary (bin/nsbox) modules live under /$bunfs: find the tree from
// the executable (bin/..) instead of from this file.
const compiled = import.meta.dir.startsWith("/$bunfs");
const top = compiled ? `${process.execPath.slice(0, process.execPath.lastIndexOf("/"))}/..` : `${import.meta.dir}/../..`;
export const MONITOR_PATH = process.env.NSBOX_MONITOR ?? `${top}/native/build/nsbox-monitor`;
export const NSBOX_RUNTIME_PATH = process.env.NSBOX_RUNTIME ?? `${top}/bin/nsbox-runtime`;
/** argv prefix that runs this `nsbox` again (the monitor's exit command). */
export const NSBOX_CLI: string[] = compiled ? [process.execPath] : [process.execPath, `${top}/src/cli/main.ts`];
