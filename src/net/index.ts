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
import { containerNetworkSettings, inspectNetwork } from "./inspect.ts";
import { createNetwork, findNetwork, pruneNetworks, removeAllNetworks, removeNetwork, type CreateNetworkRequest } from "./networks.ts";
import { reconcile, type ReconcileOptions, type ReconcileReport } from "./reconcile.ts";
import type { NetworkRow } from "./store.ts";
import type { PortBinding } from "./ports.ts";

export type { AttachRequest, AttachResult, ConnectRequest, EndpointInfo, NetworkRequest, CreateNetworkRequest, ReconcileReport, NetworkRow, PortBinding, ContainerFiles, NetOptions };
export { parsePortSpec, publishAll, formatBinding, type PortSpec } from "./ports.ts";
export { DEFAULT_NETWORK } from "./networks.ts";
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
  listNetworks(): NetworkRow[] {
    return this.ctx.store.networks();
  }
  /** A network by name, id or unique id prefix ("bridge" is created on first use). */
  network(nameOrId: string): NetworkRow {
    return findNetwork(this.ctx, nameOrId);
  }
  inspectNetwork(nameOrId: string): ReturnType<typeof inspectNetwork> {
    return inspectNetwork(this.ctx, this.network(nameOrId));
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
