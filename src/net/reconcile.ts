// Start-up reconciliation: makes the kernel and the store agree again after a crash, a kill -9 or
// a reboot. An endpoint goes when its set-up was interrupted (owner process dead while
// "creating"), when its network namespace is gone (or is another one now: inode changed), or when
// the engine says its container no longer exists. Links with nsbox's prefixes that no record
// owns are deleted; bridges of user networks that vanished are recreated; the nft table is
// rewritten from the store; the resolver forgets removed networks (and stops with the last).
import { statSync } from "node:fs";
import { isAlive } from "../linux/proc.ts";
import type { NetContext } from "./context.ts";
import { syncResolver } from "./dns/daemon.ts";
import { applyRules } from "./kernel-state.ts";
import { createBridgeSync, deleteLinksSync, linkExists, linksWithPrefix } from "./links.ts";
import type { EndpointRow } from "./store.ts";

export interface ReconcileOptions {
  /** Container ids the engine knows to be alive; when given, endpoints of others are removed. */
  liveContainers?: Set<string>;
}

export interface ReconcileReport {
  endpoints: { container: string; network: string; ip: string; why: string }[];
  links: string[];
  bridgesRecreated: string[];
  resolverStopped: boolean; // no user network left, so the resolver process was stopped
}

function staleReason(e: EndpointRow, live?: Set<string>): string | undefined {
  if (e.state === "creating") return isAlive(e.ownerPid, e.ownerStart) ? undefined : "set-up interrupted";
  if (live && !live.has(e.container)) return "container gone";
  try {
    if (statSync(e.netns).ino !== e.netnsIno) return "network namespace replaced";
  } catch {
    return "network namespace gone";
  }
  return undefined;
}

export async function reconcile(ctx: NetContext, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { endpoints: [], links: [], bridgesRecreated: [], resolverStopped: false };
  ctx.store.tx(() => {
    const networks = ctx.store.networks();
    for (const e of ctx.store.endpoints()) {
      const why = staleReason(e, opts.liveContainers);
      if (!why) continue;
      ctx.store.deleteEndpoint(e.container, e.network);
      report.endpoints.push({ container: e.container, network: networks.find((n) => n.id === e.network)?.name ?? e.network, ip: e.ip, why });
    }
    const ownedLinks = new Set([...ctx.store.endpoints().map((e) => e.veth), ...networks.map((n) => n.bridge)]);
    const ours = [...linksWithPrefix(ctx.names.vethPrefix), ...linksWithPrefix(ctx.names.bridgePrefix)];
    if (linkExists(ctx.names.defaultBridge)) ours.push(ctx.names.defaultBridge);
    report.links = ours.filter((l) => !ownedLinks.has(l));
    deleteLinksSync(report.links);
    for (const n of networks) {
      // The default network's bridge comes up with its first container (attach does that).
      if (linkExists(n.bridge) || n.isDefault) continue;
      createBridgeSync({ bridge: n.bridge, gateway: n.gateway, prefix: Number(n.subnet.split("/")[1]) });
      report.bridgesRecreated.push(n.bridge);
    }
    applyRules(ctx);
  });
  report.resolverStopped = await syncResolver(ctx);
  return report;
}
