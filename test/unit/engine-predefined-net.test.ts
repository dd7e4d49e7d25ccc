// docker's life cycle of a --net host/none container's Networks entry: which ids show when.
import { expect, test } from "bun:test";
import { predefinedEndpoint, predefinedIds, predefinedMode } from "../../src/engine/predefined-net.ts";
import { ZERO_TIME } from "../../src/engine/types.ts";

test("only host and none are predefined modes here", () => {
  expect(["host", "none", "default", "bridge", "container:db", ""].map(predefinedMode)).toEqual(["host", "none", undefined, undefined, undefined, undefined]);
});

test("created: no ids; running: both; exited: the network's id only", () => {
  expect(predefinedIds({ StartedAt: ZERO_TIME, Running: false })).toEqual({ network: false, endpoint: false });
  expect(predefinedIds({ StartedAt: "2024-01-01T00:00:00.1Z", Running: true })).toEqual({ network: true, endpoint: true });
  expect(predefinedIds({ StartedAt: "2024-01-01T00:00:00.1Z", Running: false })).toEqual({ network: true, endpoint: false });
});

test("the entry has docker's fields, empty but for the ids", () => {
  const e = predefinedEndpoint("n", "e");
  expect(Object.keys(e)).toEqual(["IPAMConfig", "Links", "Aliases", "MacAddress", "DriverOpts", "GwPriority", "NetworkID", "EndpointID", "Gateway",
    "IPAddress", "IPPrefixLen", "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "DNSNames"]);
  expect([e.NetworkID, e.EndpointID, e.IPAddress, e.DNSNames]).toEqual(["n", "e", "", null]);
});
