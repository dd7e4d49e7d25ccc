// Network CRUD: create (bridge up, rules in), remove, prune, and the default `bridge` network that
// appears on first use. Each runs in one store transaction that also holds the kernel steps, so a
// failure or a kill leaves either the whole network or nothing.
import { randomHex } from "../common/random.ts";
import { readFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import type { NetContext } from "./context.ts";
import { syncResolver } from "./dns/daemon.ts";
import { contains, defaultPool, formatIp, formatSubnet, hostRange, overlaps, parseIp, parseProcRoutes, parseSubnet, pickSubnet, type Subnet } from "./ipv4.ts";
import { applyRules } from "./kernel-state.ts";
import { createBridgeSync, deleteLinksSync, linkExists } from "./links.ts";
import { isPredefinedName, predefinedNetworks, type PredefinedNetwork } from "./predefined.ts";
import type { NetworkRow } from "./store.ts";

export const DEFAULT_NETWORK = "bridge";
/** moby's runconfig.IsPreDefinedNetwork: names no user network may take. */
const RESERVED = new Set([DEFAULT_NETWORK, "host", "none", "default"]);

export interface CreateNetworkRequest {
  name: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  labels?: Record<string, string>;
}

function hostRoutes(ctx: NetContext): Subnet[] {
  const own = new Set(ctx.store.networks().map((n) => n.subnet));
  return parseProcRoutes(readFileSync("/proc/net/route", "latin1")).filter((r) => !own.has(formatSubnet(r)));
}

/** Subnet and gateway for a new network: given ones checked, or the first free pool entry. */
function planAddresses(ctx: NetContext, subnetText: string | undefined, gatewayText: string | undefined, forDefault = false): { subnet: string; gateway: string } {
  const taken = ctx.store.networks().map((n) => ({ name: n.name, s: parseSubnet(n.subnet) }));
  const routes = hostRoutes(ctx);
  let subnet: Subnet;
  if (subnetText) {
    subnet = parseSubnet(subnetText);
    const clash = taken.find((t) => overlaps(t.s, subnet));
    if (clash) throw new UserError(`subnet ${subnetText} overlaps network ${clash.name} (${formatSubnet(clash.s)})`);
    const route = routes.find((r) => r.prefix > 0 && overlaps(r, subnet));
    if (route) throw new UserError(`subnet ${subnetText} overlaps the host route ${formatSubnet(route)}`);
  } else {
    if (gatewayText) throw new UserError("--gateway needs --subnet");
    const takenSubnets = taken.map((t) => t.s);
    // Until the default network exists, keep the subnet it would get (docker's 172.17/16) free.
    const reserved = !forDefault && !taken.some((t) => t.name === DEFAULT_NETWORK) && !ctx.defaultSubnet ? pickSubnet(defaultPool(), routes, takenSubnets) : undefined;
    const picked = pickSubnet(defaultPool(), routes, reserved ? [...takenSubnets, reserved] : takenSubnets);
    if (!picked) throw new UserError("no free subnet left in the address pools; pass --subnet");
    subnet = picked;
  }
  let gateway = formatIp(hostRange(subnet)[0]);
  if (gatewayText) {
    const g = parseIp(gatewayText);
    const [lo, hi] = hostRange(subnet);
    if (g === undefined || !contains(subnet, g) || g < lo || g > hi) throw new UserError(`gateway ${gatewayText} is not a host address of subnet ${formatSubnet(subnet)}`);
    gateway = gatewayText;
  }
  return { subnet: formatSubnet(subnet), gateway };
}

function insertAndBringUp(ctx: NetContext, row: NetworkRow): NetworkRow {
  ctx.store.insertNetwork(row);
  if (linkExists(row.bridge)) deleteLinksSync([row.bridge]); // a leftover of a crash: start clean
  return bringUp(ctx, row);
}

/** Creates the network's bridge and the rules for it; no bridge is left if the rules fail. */
function bringUp(ctx: NetContext, row: NetworkRow): NetworkRow {
  createBridgeSync({ bridge: row.bridge, gateway: row.gateway, prefix: Number(row.subnet.split("/")[1]) });
  try {
    applyRules(ctx);
  } catch (err) {
    deleteLinksSync([row.bridge]);
    throw err;
  }
  return row;
}

export function createNetwork(ctx: NetContext, req: CreateNetworkRequest): NetworkRow {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(req.name)) throw new UserError(`invalid network name ${JSON.stringify(req.name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if (RESERVED.has(req.name)) throw new UserError(`operation is not permitted on predefined ${req.name} network`); // docker's PredefinedNetworkError
  return ctx.store.tx(() => {
    if (ctx.store.network(req.name)?.name === req.name) throw new UserError(`network with name ${req.name} already exists`);
    const { subnet, gateway } = planAddresses(ctx, req.subnet, req.gateway);
    const id = randomHex(32);
    const row: NetworkRow = { id, name: req.name, subnet, gateway, bridge: ctx.bridgeName(id), internal: !!req.internal, isDefault: false, created: Date.now(), labels: req.labels ?? {} };
    return insertAndBringUp(ctx, row);
  });
}

/** The default network's record, created (subnet picked) on first mention; no kernel work, so
 * `network ls` does not bring up a bridge or switch on forwarding. */
function defaultNetworkRecord(ctx: NetContext): NetworkRow {
  return (
    ctx.store.network(DEFAULT_NETWORK) ??
    ctx.store.tx(() => {
      const again = ctx.store.network(DEFAULT_NETWORK);
      if (again) return again;
      const { subnet, gateway } = planAddresses(ctx, ctx.defaultSubnet, undefined, true);
      const row: NetworkRow = { id: randomHex(32), name: DEFAULT_NETWORK, subnet, gateway, bridge: ctx.names.defaultBridge, internal: false, isDefault: true, created: Date.now(), labels: {} };
      ctx.store.insertNetwork(row);
      return row;
    })
  );
}

/** Brings a network's bridge up if it is not (the default network's first use, a reboot, or
 * someone deleted it), under the store lock so two attaches cannot both create it. */
export function ensureBridge(ctx: NetContext, row: NetworkRow): NetworkRow {
  if (linkExists(row.bridge)) return row;
  return ctx.store.tx(() => {
    if (linkExists(row.bridge)) return row;
    return bringUp(ctx, row);
  });
}

/** A network by name, id or unique id prefix ("bridge": the default network, recorded on first
 * mention). */
export function findNetwork(ctx: NetContext, nameOrId: string): NetworkRow {
  // connect/disconnect: docker's runconfig.ErrConflictHostNetwork, said of none as well.
  if (isPredefinedName(nameOrId)) throw new UserError(`container cannot be disconnected from ${nameOrId} network or connected to ${nameOrId} network`);
  const row = nameOrId === DEFAULT_NETWORK ? defaultNetworkRecord(ctx) : ctx.store.network(nameOrId);
  if (!row) throw new UserError(`network ${nameOrId} not found`);
  return row;
}

/** Any network `network ls` shows, by name, id or unique id prefix (moby's FindNetwork order:
 * full id, full name, then an id prefix of 3 hex or more, as NetStore.network takes, that no other
 * network's id shares): a bridge network's record or the predefined host and none. */
export function findAnyNetwork(ctx: NetContext, nameOrId: string): NetworkRow | PredefinedNetwork {
  if (nameOrId === DEFAULT_NETWORK) return defaultNetworkRecord(ctx);
  const all: (NetworkRow | PredefinedNetwork)[] = [...ctx.store.networks(), ...predefinedNetworks(ctx)];
  const exact = all.find((n) => n.id === nameOrId) ?? all.find((n) => n.name === nameOrId);
  if (exact) return exact;
  const byPrefix = /^[0-9a-f]{3,63}$/.test(nameOrId) ? all.filter((n) => n.id.startsWith(nameOrId)) : [];
  if (byPrefix.length > 1) throw new UserError(`network ${nameOrId} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  if (!byPrefix.length) throw new UserError(`network ${nameOrId} not found`);
  return byPrefix[0]!;
}

export function isPredefined(n: NetworkRow | PredefinedNetwork): n is PredefinedNetwork {
  return isPredefinedName(n.name) && "driver" in n;
}

function removeRow(ctx: NetContext, row: NetworkRow): void {
  const users = ctx.store.endpoints({ network: row.id });
  if (users.length) throw new UserError(`network ${row.name} has active endpoints (${users.map((e) => e.name || e.container.slice(0, 12)).join(", ")})`);
  ctx.store.deleteNetwork(row.id);
  applyRules(ctx);
  deleteLinksSync([row.bridge]);
}

export async function removeNetwork(ctx: NetContext, nameOrId: string): Promise<NetworkRow> {
  const row = ctx.store.tx(() => {
    // By name refused before the lookup, which would record the default network to refuse it.
    const row = nameOrId === DEFAULT_NETWORK || isPredefinedName(nameOrId) ? undefined : findAnyNetwork(ctx, nameOrId);
    if (!row || isPredefined(row) || row.isDefault) throw new UserError(`${row?.name ?? nameOrId} is a pre-defined network and cannot be removed`);
    removeRow(ctx, row);
    return row;
  });
  await syncResolver(ctx);
  return row;
}

/** Removes every user network with no endpoint (that `selected`, the --filter, takes); returns their names. */
export async function pruneNetworks(ctx: NetContext, selected: (row: NetworkRow) => boolean = () => true): Promise<string[]> {
  const removed = ctx.store.tx(() => {
    const out: NetworkRow[] = [];
    for (const row of ctx.store.networks()) {
      if (row.isDefault || ctx.store.endpoints({ network: row.id }).length || !selected(row)) continue;
      removeRow(ctx, row);
      out.push(row);
    }
    return out;
  });
  if (removed.length) await syncResolver(ctx);
  return removed.map((r) => r.name);
}

/** Removes the default network too (tests, uninstall); refuses while endpoints exist. */
export async function removeAllNetworks(ctx: NetContext): Promise<void> {
  const removed = ctx.store.tx(() => {
    const rows = ctx.store.networks();
    for (const row of rows) removeRow(ctx, row);
    return rows;
  });
  if (removed.length) await syncResolver(ctx);
}
