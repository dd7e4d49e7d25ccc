// `inspect` of a container with --net host or --net none: NetworkSettings.Networks names the
// predefined network as docker does — an empty entry when created, the network's id (the one
// `network ls` shows) and an endpoint while running, the id kept and the endpoint gone once exited.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EngineLab } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => (lab = new EngineLab()));
afterAll(() => lab.destroy());

const EMPTY = {
  IPAMConfig: null, Links: null, Aliases: null, MacAddress: "", DriverOpts: null, GwPriority: 0, NetworkID: "", EndpointID: "",
  Gateway: "", IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, DNSNames: null,
};

for (const mode of ["host", "none"]) {
  test(`--net ${mode}: Networks.${mode} with the predefined network's id while running, kept after exit`, async () => {
    const name = `pre-${mode}`;
    const netId = lab.ok(["network", "ls", "--no-trunc", "-f", `name=^${mode}$`, "--format", "{{.ID}}"]);
    expect(netId).toMatch(/^[0-9a-f]{64}$/);
    lab.ok(["create", "--name", name, "--net", mode, "busybox", "sh", "-c", "touch /ready; exec sleep 60"]);
    expect(lab.inspect(name).NetworkSettings.Networks).toEqual({ [mode]: EMPTY }); // docker: NetworkID is set at start
    lab.ok(["start", name]);
    const running = lab.inspect(name);
    const entry = running.NetworkSettings.Networks[mode];
    expect(Object.keys(running.NetworkSettings.Networks)).toEqual([mode]);
    expect(entry).toEqual({ ...EMPTY, NetworkID: netId, EndpointID: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The same endpoint as `network inspect` lists for the container; Go templates reach it.
    const listed = JSON.parse(lab.ok(["network", "inspect", "-f", "{{json .Containers}}", mode]));
    expect(listed[running.Id]).toMatchObject({ Name: name, EndpointID: entry.EndpointID });
    expect(lab.ok(["inspect", "-f", `{{.NetworkSettings.Networks.${mode}.NetworkID}}`, name])).toBe(netId);
    lab.ok(["stop", "-t", "0", name]);
    expect(lab.inspect(name).NetworkSettings.Networks).toEqual({ [mode]: { ...EMPTY, NetworkID: netId } });
    lab.ok(["rm", name]);
  });
}
