// Networking of a container with its own network namespace, done between the runtime's create
// (the namespace exists) and start: loopback up for --net none, and for the default bridge or a
// named network an endpoint from src/net (veth, address, NAT, DNS files written in place into
// the container directory, which the bundle bind-mounts). host and container:X need nothing.
import { UserError } from "../common/errors.ts";
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";
import type { NetworkSettings } from "./types.ts";

/** Pure: which network setup a NetworkMode asks for. */
export function networkPlan(mode: string): { kind: "none" | "shared" | "attach"; network?: string } {
  if (mode === "none") return { kind: "none" };
  if (mode === "host" || mode.startsWith("container:")) return { kind: "shared" };
  return { kind: "attach", network: mode === "default" || mode === "" ? "bridge" : mode };
}

async function loopbackUp(pid: number): Promise<void> {
  const p = Bun.spawn(["nsenter", `--net=/proc/${pid}/ns/net`, "ip", "link", "set", "lo", "up"], { stdio: ["ignore", "ignore", "pipe"] });
  if ((await p.exited) !== 0) throw new UserError(`cannot bring up loopback: ${(await new Response(p.stderr).text()).trim()}`, 125);
}

export async function setupNetwork(e: Engine, r: Row, pid: number): Promise<Partial<NetworkSettings> | undefined> {
  const plan = networkPlan(r.doc.HostConfig.NetworkMode);
  if (plan.kind === "shared") return undefined;
  if (plan.kind === "none") {
    await loopbackUp(pid);
    return undefined;
  }
  const { Networking } = await import("../net/index.ts");
  const net = Networking.open({ root: e.paths.root });
  try {
    await net.detach(r.id); // a previous run's endpoint (restart)
    await net.attach({
      containerId: r.id, netnsPath: `/proc/${pid}/ns/net`, name: r.name, hostname: r.doc.Config.Hostname,
      networks: [{ network: plan.network! }], filesDir: e.paths.dir(r.id),
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
