// NetworkSettings.Networks of a container run with --net host or --net none, as docker shows it:
// the predefined network by name, with docker's endpoint fields (docker 28's shape). docker fills
// it in three steps — an empty entry at create, NetworkID and EndpointID at start, the endpoint
// (operational data) cleared at stop while NetworkID stays — and nsbox derives the same from the
// container's state when it is inspected: nothing to record at start (the ids live in the net
// store, which `run --net none` never needs to open) and nothing to clear when a container exits
// with no nsbox process around.
import type { ContainerJSON, ContainerState } from "./types.ts";
import { ZERO_TIME } from "./types.ts";

export type PredefinedMode = "host" | "none";

export function predefinedMode(networkMode: string): PredefinedMode | undefined {
  return networkMode === "host" || networkMode === "none" ? networkMode : undefined;
}

/** Pure: docker's endpoint settings with every field at its empty value except the two ids. */
export function predefinedEndpoint(networkId: string, endpointId: string) {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: "", DriverOpts: null, GwPriority: 0,
    NetworkID: networkId, EndpointID: endpointId, Gateway: "", IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "",
    GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** Pure: which ids docker shows at this point of the container's life. */
export function predefinedIds(state: Pick<ContainerState, "StartedAt" | "Running">): { network: boolean; endpoint: boolean } {
  const started = !!state.StartedAt && state.StartedAt !== ZERO_TIME;
  return { network: started, endpoint: started && state.Running };
}

/**
 * `doc` with its predefined network's entry (other containers unchanged). The network id comes
 * from the net store, opened only for a container that has started.
 */
export function withPredefinedNetwork(doc: ContainerJSON, root: string): ContainerJSON {
  const mode = predefinedMode(doc.HostConfig.NetworkMode);
  if (!mode) return doc;
  const show = predefinedIds(doc.State);
  const networkId = show.network ? predefinedNetworkId(root, mode) : "";
  // Loaded here only (a synchronous inspect): the net layer stays out of every other command.
  const { predefinedEndpointId } = require("../net/inspect.ts") as typeof import("../net/inspect.ts");
  const entry = predefinedEndpoint(networkId, show.endpoint ? predefinedEndpointId(doc.Id, networkId) : "");
  return { ...doc, NetworkSettings: { ...doc.NetworkSettings, Networks: { [mode]: entry } } };
}

function predefinedNetworkId(root: string, mode: PredefinedMode): string {
  const { NetContext } = require("../net/context.ts") as typeof import("../net/context.ts");
  const { predefinedNetworks } = require("../net/predefined.ts") as typeof import("../net/predefined.ts");
  const ctx = new NetContext({ root });
  try {
    return predefinedNetworks(ctx).find((n) => n.name === mode)!.id;
  } finally {
    ctx.store.close();
  }
}
