// /dev/shm by IPC mode, as docker sets it up. POSIX shared memory (shm_open) is files in /dev/shm,
// not part of the IPC namespace, so sharing an IPC namespace means sharing that directory too:
//   ""/"private"  the container's own tmpfs (the spec's default /dev/shm mount);
//   "shareable"   a tmpfs the engine mounts in the container's run directory and binds at
//                 /dev/shm, so that containers started with --ipc container:X bind the same one;
//   container:X   X's, when X is shareable (or uses the host's); otherwise docker's refusal;
//   "host"        the host's /dev/shm;
//   "none"        no /dev/shm at all.
// The shareable tmpfs stays mounted until `rm`, like the pinned IPC namespace (pin.ts): a
// container that joined X keeps the same /dev/shm when X restarts.
import { mkdirSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { mount } from "../linux/libc.ts";
import { isMountPoint, unmountAll } from "../linux/mountinfo.ts";
import type { Mount, Spec } from "../oci/spec.ts";
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";

const MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;

export function shmDir(containerDir: string): string {
  return `${containerDir}/shm`;
}

const bindAt = (source: string): Mount => ({ destination: "/dev/shm", type: "bind", source, options: ["rbind", "nosuid", "noexec", "nodev"] });

/** The host side of /dev/shm for a container (its own tmpfs, the host's, or its donor's), set in `spec`. */
export function applyShm(e: Engine, r: Row, spec: Spec): void {
  const mounts = spec.mounts ?? [];
  const at = mounts.findIndex((m) => m.destination === "/dev/shm");
  // Only the default tmpfs: a user's -v/--mount/--tmpfs on /dev/shm (the spec's later entry) is
  // theirs (docker: HasMountFor).
  if (at < 0 || mounts[at]!.source !== "shm" || mounts.some((m, i) => i > at && m.destination === "/dev/shm")) return;
  const mode = r.doc.HostConfig.IpcMode ?? "";
  if (mode === "none") mounts.splice(at, 1);
  else if (mode === "host") mounts[at] = bindAt("/dev/shm");
  else if (mode === "shareable") mounts[at] = bindAt(mountShareable(shmDir(e.paths.dir(r.id)), mounts[at]!.options ?? []));
  else if (mode.startsWith("container:")) mounts[at] = bindAt(donorShm(e, mode.slice(10)));
}

/** The tmpfs of a shareable container (mounted once, with the spec's size and mode). */
function mountShareable(dir: string, options: string[]): string {
  if (isMountPoint(dir)) return dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const data = options.filter((o) => /^(size|mode)=/.test(o)).join(",");
  mount("shm", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, data);
  return dir;
}

function donorShm(e: Engine, ref: string): string {
  const donor = e.db.resolve(ref);
  if (!donor) throw new UserError(`cannot join the ipc namespace of ${ref}: no such container`, 125);
  const mode = donor.doc.HostConfig.IpcMode ?? "";
  if (mode === "host") return "/dev/shm";
  const dir = shmDir(e.paths.dir(donor.id));
  if (mode !== "shareable" || !isMountPoint(dir))
    throw new UserError(`container ${donor.id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`, 125);
  return dir;
}

/** At `rm`: the shareable tmpfs goes (before the directory holding it is removed). */
export function releaseShm(containerDir: string): void {
  unmountAll(shmDir(containerDir));
}
