// Attaching a container's network namespace to networks, and detaching it. The order makes every
// crash recoverable: (1) one transaction leases the addresses and host ports and records the
// endpoints as "creating" with the owner's PID (the DNAT rules for its ports go in within the same
// transaction); (2) the veth pairs are made, their host ends named with this root's prefix so a
// leftover is recognisable; (3) the endpoints are marked ready. Detach deletes the records first,
// then the links. Whatever a kill -9 interrupts, reconcile() finds by PID liveness or link name.
import { rmSync, statSync, readFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { readStat } from "../linux/proc.ts";
import type { NetContext } from "./context.ts";
import { ensureResolver } from "./dns/daemon.ts";
import { parseExtraHost, parseResolvConf, renderHosts, renderResolvConf, writeContainerFiles, type ContainerFiles, type HostEntry } from "./files.ts";
import { choosePorts, PortRace } from "./port-alloc.ts";
import { macFor, pickIp } from "./ipam.ts";
import { addPortRules, removePortRules } from "./kernel-state.ts";
import { createVeth, deleteLinks, deleteLinksInBackground, linkExists } from "./links.ts";
import { ensureBridge, findNetwork } from "./networks.ts";
import { bindingsClash, formatBinding, type PortBinding, type PortSpec } from "./ports.ts";
import type { EndpointRow, NetworkRow } from "./store.ts";

export interface NetworkRequest {
  network: string; // name or id; "bridge" = the default network
  ip?: string; // --ip
  aliases?: string[]; // --network-alias (user networks)
}

export interface AttachRequest {
  containerId: string;
  netnsPath: string; // /proc/PID/ns/net or a bind-mounted netns file
  name?: string; // container name: its DNS name on user networks
  hostname?: string; // default: the first 12 characters of the id
  networks?: NetworkRequest[]; // default: [{ network: "bridge" }]
  ports?: PortSpec[]; // published on the first network's address
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  extraHosts?: string[]; // "name:ip" (ip may be "host-gateway")
  filesDir?: string; // where hosts, resolv.conf and hostname go (default <root>/net/containers/<id>)
}

export interface EndpointInfo {
  network: string;
  networkId: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  ifname: string;
  vethHost: string;
  aliases: string[];
}

export interface AttachResult extends ContainerFiles {
  endpoints: EndpointInfo[];
  ports: PortBinding[];
}

export function endpointInfo(e: EndpointRow, n: NetworkRow): EndpointInfo {
  return { network: n.name, networkId: n.id, ip: e.ip, prefixLen: Number(n.subnet.split("/")[1]), gateway: n.gateway, mac: e.mac, ifname: e.ifname, vethHost: e.veth, aliases: e.aliases };
}

function netnsInode(path: string): number {
  try {
    return statSync(path).ino;
  } catch {
    throw new UserError(`network namespace ${path} does not exist`);
  }
}

/** Phase 1 (one transaction): leases, endpoint records, port bindings, rules for the ports. */
function lease(ctx: NetContext, req: AttachRequest, nets: { row: NetworkRow; want: NetworkRequest }[], netnsIno: number, chosen: PortSpec[]): { rows: EndpointRow[]; ports: PortBinding[] } {
  const self = readStat(process.pid);
  return ctx.store.tx(() => {
    const existing = ctx.store.endpoints({ container: req.containerId });
    const rows: EndpointRow[] = [];
    for (const { row, want } of nets) {
      if (existing.some((e) => e.network === row.id) || rows.some((e) => e.network === row.id)) {
        throw new UserError(`container ${req.containerId.slice(0, 12)} is already attached to network ${row.name}`);
      }
      const ip = pickIp(row.subnet, row.gateway, ctx.store.leasedIps(row.id), want.ip);
      const e: EndpointRow = {
        container: req.containerId, network: row.id, ip, mac: macFor(ip), veth: ctx.newVethName(),
        ifname: freeIfname([...existing, ...rows]), netns: req.netnsPath, netnsIno, name: req.name ?? "", // resolved on user networks only
        aliases: row.isDefault ? [] : (want.aliases ?? []), dns: req.dns ?? [], state: "creating",
        ownerPid: process.pid, ownerStart: self?.startTime ?? 0, created: Date.now(),
      };
      ctx.store.insertEndpoint(e);
      rows.push(e);
    }
    const stored = ctx.store.ports();
    const raced = chosen.find((c) => stored.some((t) => bindingsClash(t, c)));
    if (raced) throw new PortRace(`cannot publish ${raced.hostIp || "0.0.0.0"}:${raced.hostPort}/${raced.proto}: the port is already in use`);
    const ports = chosen.map((c) => ({ ...c, containerIp: rows[0]!.ip }));
    const portRows = ports.map((p) => ({ ...p, container: req.containerId, network: rows[0]!.network, ruleHandle: 0 }));
    for (const p of portRows) ctx.store.insertPort(p);
    if (portRows.length) addPortRules(ctx, portRows);
    return { rows, ports };
  });
}

/** True when one of these endpoints is on a network with a way out (it has the default route). */
function hasWayOut(ctx: NetContext, endpoints: EndpointRow[]): boolean {
  const internal = new Set(ctx.store.networks().filter((n) => n.internal).map((n) => n.id));
  return endpoints.some((e) => !internal.has(e.network));
}

/** The lowest ethN the container does not use (a disconnect can leave a gap). */
function freeIfname(used: EndpointRow[]): string {
  for (let n = 0; ; n++) if (!used.some((e) => e.ifname === `eth${n}`)) return `eth${n}`;
}

/** Removes records (and the rules of their ports) in one transaction; returns what they held. */
function unlease(ctx: NetContext, container: string, networkId?: string): EndpointRow[] {
  return ctx.store.tx(() => {
    const rows = ctx.store.endpoints({ container, network: networkId });
    const ports = ctx.store.ports(container).filter((p) => rows.some((r) => r.network === p.network));
    for (const r of rows) ctx.store.deleteEndpoint(r.container, r.network);
    removePortRules(ctx, ports);
    return rows;
  });
}

function netnsAlive(e: EndpointRow): boolean {
  try {
    return statSync(e.netns).ino === e.netnsIno;
  } catch {
    return false;
  }
}

/** Deletes the host ends of released endpoints. Deleting a link holds the RTNL lock through an
 * RCU grace period (~20 ms here), so it is only done and awaited while the namespace lives
 * (network disconnect). Once the container is gone the kernel tears the pair down with its
 * namespace; a link still there a second later (the namespace was held by something else) is
 * deleted then, in the background, by its unique name (reconcile() catches any survivor). */
async function releaseLinks(rows: EndpointRow[]): Promise<void> {
  const alive = rows.filter((r) => r.netnsIno === 0 || netnsAlive(r)).map((r) => r.veth);
  const lingering = rows.filter((r) => !alive.includes(r.veth) && linkExists(r.veth)).map((r) => r.veth);
  if (lingering.length) deleteLinksInBackground(lingering);
  await deleteLinks(alive);
}

function validate(req: AttachRequest): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(req.containerId)) throw new UserError(`invalid container id ${JSON.stringify(req.containerId)}`);
}

/** Connects the namespace to each requested network and writes the container's files. */
export async function attach(ctx: NetContext, req: AttachRequest): Promise<AttachResult> {
  validate(req);
  const netnsIno = netnsInode(req.netnsPath);
  const wants = req.networks?.length ? req.networks : [{ network: "bridge" }];
  const nets = wants.map((want) => ({ row: ensureBridge(ctx, findNetwork(ctx, want.network)), want }));
  const extra = (req.extraHosts ?? []).map((h) => parseExtraHost(h, nets[0]!.row.gateway)); // bad input fails before any work
  let leased: { rows: EndpointRow[]; ports: PortBinding[] } | undefined;
  for (let attempt = 0; !leased; attempt++) {
    const chosen = req.ports?.length ? await choosePorts(ctx, req.ports) : [];
    try {
      leased = lease(ctx, req, nets, netnsIno, chosen);
    } catch (err) {
      // Two attaches picked the same random port: pick again. A fixed port is simply taken.
      if (!(err instanceof PortRace) || attempt >= 3 || !req.ports?.some((p) => p.hostPort === 0)) throw err;
    }
  }
  const { rows, ports } = leased;
  try {
    let routed = hasWayOut(ctx, ctx.store.endpoints({ container: req.containerId }).filter((e) => !rows.some((r) => r.network === e.network)));
    for (const [i, e] of rows.entries()) {
      const n = nets[i]!.row;
      const gateway = !n.internal && !routed ? n.gateway : undefined;
      if (gateway) routed = true;
      await createVeth({ veth: e.veth, bridge: n.bridge, netns: req.netnsPath, ifname: e.ifname, mac: e.mac, ip: e.ip, prefix: Number(n.subnet.split("/")[1]), gateway });
      if (!n.isDefault) await ensureResolver(ctx, n.id);
    }
    if (process.env.NSBOX_NET_TEST_PAUSE === "after-veth") await Bun.sleep(600_000); // crash tests kill us here
    ctx.store.tx(() => rows.forEach((e) => ctx.store.markReady(e.container, e.network, netnsIno)));
    const files = writeFiles(ctx, req, rows, nets.map((x) => x.row), extra);
    return { ...files, endpoints: rows.map((e, i) => endpointInfo(e, nets[i]!.row)), ports };
  } catch (err) {
    await deleteLinks(rows.flatMap((r) => unlease(ctx, req.containerId, r.network)).map((r) => r.veth));
    throw err;
  }
}

function writeFiles(ctx: NetContext, req: AttachRequest, rows: EndpointRow[], nets: NetworkRow[], extra: HostEntry[]): ContainerFiles {
  const hostname = req.hostname ?? req.containerId.slice(0, 12);
  let host = { nameservers: [] as string[], search: [] as string[], options: [] as string[] };
  try {
    host = parseResolvConf(readFileSync("/etc/resolv.conf", "utf8"));
  } catch {}
  const userNet = nets.find((n) => !n.isDefault);
  return writeContainerFiles(req.filesDir ?? ctx.containerDir(req.containerId), {
    hosts: renderHosts({ ip: rows[0]!.ip, names: [hostname, ...(req.name && userNet ? [req.name] : [])] }, extra),
    resolvConf: renderResolvConf({ embeddedDns: userNet?.gateway, dns: req.dns ?? [], dnsSearch: req.dnsSearch ?? [], dnsOptions: req.dnsOptions ?? [] }, host),
    hostname,
  });
}

/** Detaches from one network, or from all (container stop/rm). Missing records are not an error:
 * detach is what clean-up paths call, and it must be safe to call twice. */
export async function detach(ctx: NetContext, containerId: string, network?: string): Promise<void> {
  const networkId = network === undefined ? undefined : ctx.store.network(network)?.id;
  if (network !== undefined && !networkId) throw new UserError(`network ${network} not found`);
  await releaseLinks(unlease(ctx, containerId, networkId));
  if (network === undefined) rmSync(ctx.containerDir(containerId), { recursive: true, force: true });
}

export interface ConnectRequest extends NetworkRequest {
  name?: string; // DNS name (default: the one it has on its other networks)
  netnsPath?: string; // needed when the container is on no network yet (--net none)
}

/** `network connect`: one more network for a running container. Its first network with a way
 * out gives it the default route. */
export async function connect(ctx: NetContext, containerId: string, want: ConnectRequest): Promise<EndpointInfo> {
  const current = ctx.store.endpoints({ container: containerId });
  const netns = current[0]?.netns ?? want.netnsPath;
  if (!netns) throw new UserError(`container ${containerId.slice(0, 12)} is on no network: its network namespace path is needed`);
  const row = ensureBridge(ctx, findNetwork(ctx, want.network));
  const routed = hasWayOut(ctx, current);
  const { rows } = lease(ctx, { containerId, netnsPath: netns, name: want.name ?? current.find((c) => c.name)?.name, dns: current[0]?.dns }, [{ row, want }], netnsInode(netns), []);
  const e = rows[0]!;
  try {
    const gateway = !routed && !row.internal ? row.gateway : undefined;
    await createVeth({ veth: e.veth, bridge: row.bridge, netns, ifname: e.ifname, mac: e.mac, ip: e.ip, prefix: Number(row.subnet.split("/")[1]), gateway });
    if (!row.isDefault) await ensureResolver(ctx, row.id);
    ctx.store.tx(() => ctx.store.markReady(containerId, row.id, e.netnsIno));
  } catch (err) {
    await deleteLinks(unlease(ctx, containerId, row.id).map((r) => r.veth));
    throw err;
  }
  return endpointInfo(e, row);
}

export function describePorts(ctx: NetContext, containerId: string): string[] {
  return ctx.store.ports(containerId).map(formatBinding);
}
