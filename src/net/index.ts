// The networking layer's public API (what the engine and the CLI call). See docs/networking.md.
//
//   const net = Networking.open();                        // root: $NSBOX_ROOT or /var/lib/nsbox
//   await net.reconcile({ liveContainers });              // once at engine start-up
//   const r = await net.attach({ containerId, netnsPath: `/proc/${pid}/ns/net`, name, ports, ... });
//   // bind-mount r.hostsFile, r.resolvConfFile, r.hostnameFile over /etc/hosts, /etc/resolv.conf, /etc/hostname
//   await net.detach(containerId);                        // at stop/rm; safe to call twice
//   net.close();
import { attach, connect, describePorts, detach, type AttachRequest, type AttachResult, type ConnectRequest, type EndpointInfo, type NetworkRequest } from "./attach.ts";
import { NetContext, type NetOptions } from "./context.ts";
import { containerFilePaths, type ContainerFiles } from "./files.ts";
import { containerNetworkSettings, inspectNetwork, inspectPredefined } from "./inspect.ts";
import { createNetwork, findAnyNetwork, findNetwork, isPredefined, pruneNetworks, removeAllNetworks, removeNetwork, DEFAULT_NETWORK, type CreateNetworkRequest } from "./networks.ts";
import { predefinedNetworks, type PredefinedNetwork } from "./predefined.ts";
import { reconcile, type ReconcileOptions, type ReconcileReport } from "./reconcile.ts";
import type { NetworkRow } from "./store.ts";
import type { PortBinding } from "./ports.ts";

export type { PredefinedNetwork, AttachRequest, AttachResult, ConnectRequest, EndpointInfo, NetworkRequest, CreateNetworkRequest, ReconcileReport, NetworkRow, PortBinding, ContainerFiles, NetOptions };
export { parsePortSpec, publishAll, formatBinding, type PortSpec } from "./ports.ts";
export { DEFAULT_NETWORK, isPredefined } from "./networks.ts";
export { spawnCount } from "./exec.ts";

export class Networking {
  private constructor(readonly ctx: NetContext) {}

  static open(opts: NetOptions = {}): Networking {
    return new Networking(new NetContext(opts));
  }

  close(): void {
    this.ctx.store.close();
  }

  // networks
  createNetwork(req: CreateNetworkRequest): NetworkRow {
    return createNetwork(this.ctx, req);
  }
  /** The bridge networks' records (user networks, and the default one once mentioned). */
  listNetworks(): NetworkRow[] {
    return this.ctx.store.networks();
  }
  /** Every network as docker lists them: the default bridge (recorded now if it was not), host,
   * none and the user networks. */
  listAllNetworks(): (NetworkRow | PredefinedNetwork)[] {
    findNetwork(this.ctx, DEFAULT_NETWORK);
    return [...this.ctx.store.networks(), ...predefinedNetworks(this.ctx)];
  }
  /** A bridge network by name, id or unique id prefix ("bridge" is created on first use); the
   * one containers attach to, so host and none are "not found" here. */
  network(nameOrId: string): NetworkRow {
    return findNetwork(this.ctx, nameOrId);
  }
  /** Any network `listAllNetworks` shows, host and none included. */
  anyNetwork(nameOrId: string): NetworkRow | PredefinedNetwork {
    return findAnyNetwork(this.ctx, nameOrId);
  }
  /** docker's network inspect data, any network; host and none list no container (see below). */
  inspectNetwork(nameOrId: string) {
    const n = this.anyNetwork(nameOrId);
    return isPredefined(n) ? inspectPredefined(n) : inspectNetwork(this.ctx, n);
  }
  /** host or none with the containers running in that mode, which the engine knows. */
  inspectPredefined(n: PredefinedNetwork, containers: Record<string, { Name: string }>) {
    return inspectPredefined(n, containers);
  }
  removeNetwork(nameOrId: string): Promise<NetworkRow> {
    return removeNetwork(this.ctx, nameOrId);
  }
  pruneNetworks(selected?: (row: NetworkRow) => boolean): Promise<string[]> {
    return pruneNetworks(this.ctx, selected);
  }
  /** Removes every network including the default one (tests, uninstall). */
  removeAllNetworks(): Promise<void> {
    return removeAllNetworks(this.ctx);
  }

  // containers
  attach(req: AttachRequest): Promise<AttachResult> {
    return attach(this.ctx, req);
  }
  detach(containerId: string, network?: string): Promise<void> {
    return detach(this.ctx, containerId, network);
  }
  connect(containerId: string, want: ConnectRequest): Promise<EndpointInfo> {
    return connect(this.ctx, containerId, want);
  }
  /** Where attach() writes a container's files (default filesDir): create and bind-mount early. */
  containerFiles(containerId: string): ContainerFiles {
    return containerFilePaths(this.ctx.containerDir(containerId));
  }
  ports(containerId: string): PortBinding[] {
    return this.ctx.store.ports(containerId);
  }
  /** `nsbox port` lines: "80/tcp -> 0.0.0.0:32768". */
  portLines(containerId: string): string[] {
    return describePorts(this.ctx, containerId);
  }
  networkSettings(containerId: string): ReturnType<typeof containerNetworkSettings> {
    return containerNetworkSettings(this.ctx, containerId);
  }

  reconcile(opts: ReconcileOptions = {}): Promise<ReconcileReport> {
    return reconcile(this.ctx, opts);
  }
}
