// Bridges and veth pairs as `ip -batch` scripts (pure planners), plus the few calls that run them.
// One endpoint costs two spawns: one batch on the host (veth pair created with its peer directly
// inside the container's netns, host end enslaved and up) and one batch inside the netns
// (address, link up, default route).
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { exec, execSync, firstError, ipIn, spawnCount } from "./exec.ts";
import { UserError } from "../common/errors.ts";

export interface BridgePlan {
  bridge: string;
  gateway: string;
  prefix: number;
}

export function bridgeBatch(b: BridgePlan): string {
  return [`link add ${b.bridge} type bridge`, `addr add ${b.gateway}/${b.prefix} dev ${b.bridge}`, `link set ${b.bridge} up`].join("\n") + "\n";
}

export interface VethPlan {
  veth: string; // host end name
  bridge: string;
  netns: string; // path
  ifname: string; // name inside: eth0...
  mac: string;
  ip: string;
  prefix: number;
  gateway?: string; // default route via this (absent for --internal or a second network)
}

export function hostVethBatch(v: VethPlan): string {
  return `link add ${v.veth} master ${v.bridge} up type veth peer name ${v.ifname} netns ${v.netns} address ${v.mac}\n`;
}

export function insideBatch(v: VethPlan): string {
  const lines = [`link set lo up`, `addr add ${v.ip}/${v.prefix} dev ${v.ifname}`, `link set ${v.ifname} up`];
  if (v.gateway) lines.push(`route add default via ${v.gateway} dev ${v.ifname}`);
  return lines.join("\n") + "\n";
}

/** Creates and configures a bridge; runs under the store lock (sync) so two creators cannot race. */
export function createBridgeSync(b: BridgePlan): void {
  const r = execSync(["ip", "-batch", "-"], bridgeBatch(b));
  if (r.code !== 0) {
    execSync(["ip", "link", "del", b.bridge]);
    throw new UserError(`cannot create bridge ${b.bridge}: ${firstError(r)}`);
  }
  // Lets DNAT'ed traffic from the host's 127.0.0.1 leave through this bridge (published ports on
  // localhost); the guard chain drops the reverse abuse (containers → host's 127/8).
  writeFileSync(`/proc/sys/net/ipv4/conf/${b.bridge}/route_localnet`, "1");
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export async function createVeth(v: VethPlan): Promise<void> {
  const host = await exec(["ip", "-batch", "-"], hostVethBatch(v));
  if (host.code !== 0) throw new UserError(`cannot create veth ${v.veth} into ${v.netns}: ${firstError(host)}`);
  const inside = await exec([...ipIn(v.netns), "-batch", "-"], insideBatch(v));
  if (inside.code !== 0) throw new UserError(`cannot configure ${v.ifname} in ${v.netns}: ${firstError(inside)}`);
}

/** Deletes host-side links (the peer goes with it); missing ones are fine. One spawn for all. */
export async function deleteLinks(names: string[]): Promise<void> {
  if (names.length === 0) return;
  await exec(["ip", "-force", "-batch", "-"], names.map((n) => `link del ${n}`).join("\n") + "\n");
}

/** Fire and forget, after `delaySec`: the links of a namespace that is already gone (see
 * releaseLinks). Names must be unique to the released endpoints (they are: random). */
export function deleteLinksInBackground(names: string[], delaySec = 1): void {
  spawnCount.value++;
  const script = `sleep ${delaySec}; exec ip -force -batch -`;
  const p = Bun.spawn(["sh", "-c", script], { stdin: new TextEncoder().encode(names.map((n) => `link del ${n}`).join("\n") + "\n"), stdout: "ignore", stderr: "ignore", detached: true });
  p.unref();
}

export function deleteLinksSync(names: string[]): void {
  if (names.length === 0) return;
  execSync(["ip", "-force", "-batch", "-"], names.map((n) => `link del ${n}`).join("\n") + "\n");
}

/** Host links whose name starts with a prefix (reconciliation looks for leftovers). */
export function linksWithPrefix(prefix: string): string[] {
  return readdirSync("/sys/class/net").filter((n) => n.startsWith(prefix));
}
