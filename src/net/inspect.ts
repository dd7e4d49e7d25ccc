// Docker-shaped views of networks and of a container's network settings, so `nsbox network
// inspect`, the engine's `inspect` and the future Engine API return what docker clients expect.
import { sha256Hex } from "../common/hash.ts";
import type { NetContext } from "./context.ts";
import type { PredefinedNetwork } from "./predefined.ts";
import type { EndpointRow, NetworkRow } from "./store.ts";

export function endpointId(e: EndpointRow): string {
  return sha256Hex(`${e.container}\0${e.network}`);
}

/** The endpoint a container running with --net host or none has on that network (no record:
 * derived, so `network inspect` and the container's inspect agree). */
export function predefinedEndpointId(containerId: string, networkId: string): string {
  return sha256Hex(`${containerId}\0${networkId}`);
}

/** host and none as docker shows them: no IPAM config, no options; `containers` are those running
 * in that mode (the engine knows them, not the network records). */
export function inspectPredefined(n: PredefinedNetwork, containers: Record<string, { Name: string }> = {}) {
  const endpoints = Object.fromEntries(Object.entries(containers).map(([id, c]) => [id, { Name: c.Name, EndpointID: predefinedEndpointId(id, n.id), MacAddress: "", IPv4Address: "", IPv6Address: "" }]));
  return { ...common(n, n.driver), IPAM: { Driver: "default", Options: null, Config: [] }, Internal: false, ...rest(endpoints), Options: {}, Labels: n.labels };
}

/** The fields every network's inspect data starts with, in docker's order. */
function common(n: { id: string; name: string; created: number }, driver: string) {
  return { Name: n.name, Id: n.id, Created: new Date(n.created).toISOString(), Scope: "local", Driver: driver, EnableIPv6: false };
}
function rest(containers: Record<string, unknown>) {
  return { Attachable: false, Ingress: false, ConfigFrom: { Network: "" }, ConfigOnly: false, Containers: containers };
}

export function inspectNetwork(ctx: NetContext, n: NetworkRow) {
  const containers: Record<string, unknown> = {};
  for (const e of ctx.store.endpoints({ network: n.id })) {
    containers[e.container] = { Name: e.name, EndpointID: endpointId(e), MacAddress: e.mac, IPv4Address: `${e.ip}/${n.subnet.split("/")[1]}`, IPv6Address: "" };
  }
  return {
    ...common(n, "bridge"),
    IPAM: { Driver: "default", Options: null, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    ...rest(containers),
    Options: { "com.docker.network.bridge.name": n.bridge },
    Labels: n.labels,
  };
}

/** The `NetworkSettings` part of a container's inspect data. */
export function containerNetworkSettings(ctx: NetContext, containerId: string) {
  const nets = new Map(ctx.store.networks().map((n) => [n.id, n]));
  const endpoints = ctx.store.endpoints({ container: containerId });
  const networks: Record<string, unknown> = {};
  for (const e of endpoints) {
    const n = nets.get(e.network)!;
    networks[n.name] = {
      IPAMConfig: null, Links: null, Aliases: e.aliases.length ? e.aliases : null, MacAddress: e.mac, NetworkID: n.id, EndpointID: endpointId(e),
      Gateway: n.internal ? "" : n.gateway, IPAddress: e.ip, IPPrefixLen: Number(n.subnet.split("/")[1]), IPv6Gateway: "", GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0, DNSNames: n.isDefault ? null : [e.name, containerId.slice(0, 12), ...e.aliases].filter(Boolean),
    };
  }
  const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ctx.store.ports(containerId)) {
    (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp || "0.0.0.0", HostPort: String(p.hostPort) });
  }
  const first = endpoints[0];
  const firstNet = first ? nets.get(first.network)! : undefined;
  return {
    Ports: ports,
    Networks: networks,
    IPAddress: first?.ip ?? "",
    IPPrefixLen: firstNet ? Number(firstNet.subnet.split("/")[1]) : 0,
    Gateway: firstNet && !firstNet.internal ? firstNet.gateway : "",
    MacAddress: first?.mac ?? "",
  };
}
