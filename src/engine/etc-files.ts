// The /etc/hostname, /etc/hosts and /etc/resolv.conf a container gets (bind-mounted by its
// bundle), in its run directory: written at create, and again at a start that finds them gone
// with the run root (after a reboot). A networked container's start rewrites hosts and
// resolv.conf with its network's (src/net).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ContainerJSON } from "./types.ts";

export function writeEtcFiles(doc: ContainerJSON): void {
  mkdirSync(dirname(doc.HostsPath), { recursive: true, mode: 0o711 });
  writeFileSync(doc.HostnamePath, `${doc.Config.Hostname}\n`);
  writeFileSync(doc.HostsPath, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  if (existsSync("/etc/resolv.conf")) copyFileSync("/etc/resolv.conf", doc.ResolvConfPath);
  else writeFileSync(doc.ResolvConfPath, "");
}
