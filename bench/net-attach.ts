// Per-container networking cost inside the engine's process: attach (veth, address, route, lease,
// files) + detach (link, lease), on the default bridge, on a user network, and with a published
// port (which adds one `nft -f -` each way). Namespace creation and deletion are not timed (a
// container has a namespace with or without networking). "afterExit" detaches once the namespace
// is gone, as `run --rm` does after the process exits; "running" detaches a live namespace
// (network disconnect), which waits for the kernel to delete the link.
// Usage: bun bench/net-attach.ts [ITERATIONS]   (root). Prints JSON: ms per cycle and spawns.
import { mkdtempSync, rmSync } from "node:fs";
import { Networking, parsePortSpec, spawnCount, type PortSpec } from "../src/net/index.ts";

const iterations = Number(process.argv[2] ?? 40);
const root = mkdtempSync("/tmp/nsbox-net-bench-");
const net = Networking.open({ root });
net.createNetwork({ name: "benchnet" });

function sh(argv: string[]): void {
  if (Bun.spawnSync(argv).exitCode !== 0) throw new Error(argv.join(" "));
}

type Req = { networks?: { network: string }[]; ports?: PortSpec[]; running?: boolean };

async function cycle(i: number, req: Req) {
  const ns = `nsbench${process.pid}-${i}`;
  sh(["ip", "netns", "add", ns]);
  const spawns0 = spawnCount.value;
  const t0 = performance.now();
  await net.attach({ containerId: `bench${i}`, netnsPath: `/run/netns/${ns}`, name: `b${i}`, networks: req.networks, ports: req.ports });
  const t1 = performance.now();
  if (!req.running) sh(["ip", "netns", "del", ns]); // the container exited
  const t2 = performance.now();
  await net.detach(`bench${i}`);
  const t3 = performance.now();
  const spawns = spawnCount.value - spawns0;
  if (req.running) sh(["ip", "netns", "del", ns]);
  return { attach: t1 - t0, detach: t3 - t2, spawns };
}

const variants: Record<string, Req> = {
  bridge: {},
  userNetwork: { networks: [{ network: "benchnet" }] },
  bridgeWithPort: { ports: parsePortSpec("127.0.0.1::80") },
  bridgeDetachRunning: { running: true },
};
const out: Record<string, unknown> = { iterations };
try {
  for (const [name, req] of Object.entries(variants)) {
    await cycle(-1, req); // warm-up: creates the default bridge / starts the resolver once
    const runs = [];
    for (let i = 0; i < iterations; i++) runs.push(await cycle(i, req));
    const total = runs.map((r) => r.attach + r.detach).sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    out[name] = {
      meanMs: +mean(total).toFixed(2), medianMs: +total[total.length >> 1]!.toFixed(2),
      attachMs: +mean(runs.map((r) => r.attach)).toFixed(2), detachMs: +mean(runs.map((r) => r.detach)).toFixed(2), spawns: runs[0]!.spawns,
    };
  }
} finally {
  await net.reconcile({ liveContainers: new Set() });
  await net.removeAllNetworks();
  net.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
