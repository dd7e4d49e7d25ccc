// `nsbox system reset` (podman's command of that name): everything a root holds goes, and what
// it made outside the root with it: containers (their monitors, cgroups, mounts, pinned
// namespaces), networks with the default bridge, its firewall table and DNS resolver, images,
// volumes, then the run root and the root directory itself. For throwaway roots (NSBOX_ROOT=/tmp/x, benches,
// tests), and to uninstall.
import { rmSync } from "node:fs";
import { umount } from "../linux/libc.ts";
import type { Engine } from "./engine.ts";
import { removeContainer } from "./ops.ts";
import { mountsBelow, removeRunRoot } from "./run-root.ts";

export interface ResetReport {
  containers: number;
  networks: number;
  images: number;
}

export async function resetRoot(e: Engine): Promise<ResetReport> {
  const root = e.paths.root;
  const ids = e.db.list().map((r) => r.id);
  for (const id of ids) await removeContainer(e, id, true).catch(() => e.cleanupFiles(id));
  const { Networking } = await import("../net/index.ts");
  const net = Networking.open({ root });
  let networks = 0;
  try {
    networks = net.listNetworks().length;
    // Endpoints first (what a crashed container left: veths, leases, rules), then the networks
    // with their bridges, firewall table and resolver.
    await net.reconcile({ liveContainers: new Set() });
    await net.removeAllNetworks();
  } finally {
    net.close();
  }
  const images = e.images.list().length;
  e.close();
  // Whatever a crash left mounted under the root (overlays, pins) would keep rm from finishing.
  removeRunRoot(e.paths.runRoot);
  for (const m of mountsBelow(root, true)) {
    try {
      umount(m, 2 /* MNT_DETACH */);
    } catch {}
  }
  rmSync(root, { recursive: true, force: true });
  return { containers: ids.length, networks, images };
}
