// The container side of `cp` for a container that is not running (created or exited), as docker
// does it: on the container's root filesystem with its volumes and bind mounts (and the engine's
// /etc/hostname, hosts, resolv.conf) mounted where the container would see them.
//
// Runs as a helper process (`nsbox container cp-helper`) started under `nsbox unshare --mount
// --propagation private`: every mount it makes — the overlay again if it lost its mount, the
// volumes — lives in that private mount namespace and is gone when the helper exits, so nothing
// stays mounted on the host. It then chroots into the root and executes the host's static busybox
// tar from an fd opened before (fexecve): a trusted program, never one from the container's image,
// and every path it opens — `..`, absolute symlinks — resolves inside the container's root.
import { existsSync, mkdirSync, openSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../../common/errors.ts";
import { chroot, fexecve, mount } from "../../linux/libc.ts";
import type { Engine } from "../engine.ts";
import { ensureRootfs } from "../rootfs.ts";
import { followTarSource, scopedPath, statInRoot } from "./scoped-path.ts";

/** A statically linked busybox on the host (Debian's busybox-static); $NSBOX_BUSYBOX overrides. */
export const BUSYBOX = process.env.NSBOX_BUSYBOX ?? "/bin/busybox";

const MS_RDONLY = 0x1, MS_REMOUNT = 0x20, MS_BIND = 0x1000, MS_REC = 0x4000;

interface BindMount {
  source: string;
  destination: string;
  rw: boolean;
}

function binds(e: Engine, id: string): BindMount[] {
  const r = e.row(id);
  const out: BindMount[] = r.doc.Mounts.filter((m) => m.Type !== "tmpfs").map((m) => ({ source: m.Source, destination: m.Destination, rw: m.RW }));
  const etc: [string, string][] = [[r.doc.HostnamePath, "/etc/hostname"], [r.doc.HostsPath, "/etc/hosts"], [r.doc.ResolvConfPath, "/etc/resolv.conf"]];
  for (const [source, destination] of etc) if (source && existsSync(source)) out.push({ source, destination, rw: true });
  return out;
}

/** In the private mount namespace: the root filesystem with the container's mounts, and chroot
 * into it. */
function enterStoppedContainer(e: Engine, ref: string): void {
  const r = e.row(ref);
  const root = ensureRootfs(e, r);
  for (const b of binds(e, r.id)) {
    const target = scopedPath(root, b.destination);
    if (!existsSync(target)) {
      // The runtime makes missing mountpoints at start; so do we (docker's cp does too).
      if (statSync(b.source).isDirectory()) mkdirSync(target, { recursive: true, mode: 0o755 });
      else mkdirSync(dirname(target), { recursive: true, mode: 0o755 }), writeFileSync(target, "", { flag: "wx" });
    }
    mount(b.source, target, "", MS_BIND | MS_REC, "");
    if (!b.rw) mount("", target, "", MS_REMOUNT | MS_BIND | MS_RDONLY, "");
  }
  try {
    chroot(root);
  } catch {
    throw new UserError(`cp: cannot enter the root filesystem of ${r.name}`, 1);
  }
  process.chdir("/");
}

/**
 * In the private mount namespace: mounts, chroot, exec busybox tar with `tarArgs`; with
 * `followSource` (cp -L) the archive's source is resolved in the chroot first, where the volumes
 * are mounted. Returns only on failure.
 */
export function execTarInStoppedContainer(e: Engine, ref: string, tarArgs: string[], followSource = false): never {
  if (!statSync(BUSYBOX, { throwIfNoEntry: false })?.isFile())
    throw new UserError(`cp of a stopped container needs a static busybox at ${BUSYBOX} (Debian's busybox-static; or set NSBOX_BUSYBOX)`, 1);
  const busybox = openSync(BUSYBOX, "r");
  enterStoppedContainer(e, ref);
  const argv = ["tar", ...(followSource ? followTarSource("/", tarArgs) : tarArgs)];
  try {
    fexecve(busybox, argv, ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
  } catch {}
  throw new UserError(`cp: cannot execute ${BUSYBOX}`, 1);
}

/** In the private mount namespace: what `path` is, as the container would see it (volumes
 * included), printed as JSON for the engine (a cp destination's stat). */
export function printStatInStoppedContainer(e: Engine, ref: string, path: string): void {
  enterStoppedContainer(e, ref);
  process.stdout.write(`${JSON.stringify(statInRoot("/", path))}\n`);
}
