// Networking of a container with its own network namespace, done between the runtime's create
// (the namespace exists) and start: loopback up for --net none, and for the default bridge or a
// named network an endpoint from src/net (veth, address, NAT, DNS files written in place into
// the container directory, which the bundle bind-mounts). host and container:X need nothing.
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";
import type { PortSpec } from "../net/ports.ts";
import type { NetworkSettings } from "./types.ts";

/** Pure: which network setup a NetworkMode asks for. */
export function networkPlan(mode: string): { kind: "none" | "shared" | "attach"; network?: string } {
  if (mode === "none") return { kind: "none" };
  if (mode === "host" || mode.startsWith("container:")) return { kind: "shared" };
  return { kind: "attach", network: mode === "default" || mode === "" ? "bridge" : mode };
}

/** Pure: HostConfig.PortBindings (+ -P: every exposed port on a free host port) as src/net specs. */
export function portSpecs(r: Pick<Row, "doc">): PortSpec[] {
  const out: PortSpec[] = [];
  const h = r.doc.HostConfig;
  const seen = new Set<string>();
  for (const [key, binds] of Object.entries(h.PortBindings ?? {})) {
    const [port, proto = "tcp"] = key.split("/");
    seen.add(key);
    for (const b of binds) out.push({ hostIp: b.HostIp, hostPort: Number(b.HostPort || 0), containerPort: Number(port), proto: proto as PortSpec["proto"] });
  }
  if (h.PublishAllPorts) {
    for (const key of Object.keys(r.doc.Config.ExposedPorts ?? {})) {
      if (seen.has(key)) continue;
      const [port, proto = "tcp"] = key.split("/");
      out.push({ hostIp: "", hostPort: 0, containerPort: Number(port), proto: proto as PortSpec["proto"] });
    }
  }
  return out;
}

export async function setupNetwork(e: Engine, r: Row, pid: number): Promise<Partial<NetworkSettings> | undefined> {
  const plan = networkPlan(r.doc.HostConfig.NetworkMode);
  if (plan.kind !== "attach") return undefined; // none: the monitor brought lo up (--loopback)
  const { Networking } = await import("../net/index.ts");
  const net = Networking.open({ root: e.paths.root });
  try {
    await net.detach(r.id); // a previous run's endpoint (restart)
    const h = r.doc.HostConfig;
    await net.attach({
      containerId: r.id, netnsPath: `/proc/${pid}/ns/net`, name: r.name, hostname: r.doc.Config.Hostname,
      networks: [{ network: plan.network!, ip: h.IPv4Address || undefined, aliases: h.Aliases }],
      filesDir: e.paths.dir(r.id), ports: portSpecs(r),
      dns: h.Dns, dnsSearch: h.DnsSearch, dnsOptions: h.DnsOptions, extraHosts: h.ExtraHosts ?? undefined,
    });
    return net.networkSettings(r.id) as Partial<NetworkSettings>;
  } finally {
    net.close();
  }
}

export async function teardownNetwork(e: Engine, id: string, mode: string): Promise<void> {
  if (networkPlan(mode).kind !== "attach") return;
  const { Networking } = await import("../net/index.ts");
  const net = Networking.open({ root: e.paths.root });
  try {
    await net.detach(id);
  } catch {
  } finally {
    net.close();
  }
}
