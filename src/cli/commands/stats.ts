// `nsbox stats [--no-stream] [-a] [CONTAINER...]`: CPU, memory, PIDs and block I/O from each
// container's cgroup, in docker's columns. CPU % is measured over the interval between samples.
import { readFileSync } from "node:fs";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { containerCgroup } from "../../engine/cgroup.ts";
import type { ContainerJSON } from "../../engine/types.ts";
import { humanSize, table } from "../../image/cli/format.ts";
import { readStats, type CgroupStats } from "../../linux/cgroups/index.ts";

export const summary = "Display a live stream of container resource usage statistics";

/** go-units BytesSize, as docker stats prints: 4 significant digits, binary units ("3.473MiB"). */
export const binary = (n: number) => {
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) (n /= 1024), i++;
  return `${Number(n.toPrecision(4))}${u[i]}`;
};

function sample(c: ContainerJSON): CgroupStats | undefined {
  const cg = containerCgroup(c.Id);
  try {
    return cg ? readStats(cg) : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: received and sent bytes of every interface but lo, from /proc/PID/net/dev's text. */
export function netBytes(text: string): [number, number] {
  let rx = 0, tx = 0;
  for (const line of text.split("\n").slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === "lo") continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return [rx, tx];
}

function netIO(c: ContainerJSON): string {
  if (!c.State.Pid) return "--";
  try {
    const [rx, tx] = netBytes(readFileSync(`/proc/${c.State.Pid}/net/dev`, "utf8"));
    return `${humanSize(rx)} / ${humanSize(tx)}`;
  } catch {
    return "--";
  }
}

export function statsRow(c: ContainerJSON, a: CgroupStats | undefined, b: CgroupStats | undefined, secs: number, noTrunc: boolean): string[] {
  const cpuNs = (s?: CgroupStats) => s?.cpu.usage?.total ?? 0;
  const cpu = secs > 0 && a && b ? ((cpuNs(b) - cpuNs(a)) / (secs * 1e9)) * 100 : 0;
  const usage = b?.memory.usage?.usage ?? 0;
  const rawLimit = b?.memory.usage?.limit ?? 0;
  const host = require("node:os").totalmem() as number;
  const limit = rawLimit > 0 && rawLimit < host ? rawLimit : host;
  const io = (op: string) => (b?.blkio.ioServiceBytesRecursive ?? []).filter((x) => x.op?.toLowerCase() === op).reduce((t, x) => t + (x.value ?? 0), 0);
  return [
    noTrunc ? c.Id : c.Id.slice(0, 12), c.Name.slice(1), `${cpu.toFixed(2)}%`, `${binary(usage)} / ${binary(limit)}`,
    `${((usage / limit) * 100).toFixed(2)}%`, netIO(c), `${humanSize(io("read"))} / ${humanSize(io("write"))}`, String(b?.pids.current ?? 0),
  ];
}

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { "no-stream": { type: "boolean" }, all: { type: "boolean", short: "a" }, "no-trunc": { type: "boolean" } }, "stats");
  if (v.help) return console.log(usage("stats [OPTIONS] [CONTAINER...]", summary, ["-a, --all", "--no-stream", "--no-trunc"])), 0;
  const e = openEngine(v);
  const pick = () => (positionals.length ? positionals.map((p) => e.inspect(p)) : e.list(!!v.all));
  const header = ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"];
  let prev = new Map(pick().map((c) => [c.Id, sample(c)]));
  let last = Date.now();
  for (;;) {
    await Bun.sleep(v["no-stream"] ? 200 : 1000);
    const list = pick();
    const now = Date.now();
    const cur = new Map(list.map((c) => [c.Id, sample(c)]));
    const rows = list.map((c) => statsRow(c, prev.get(c.Id), cur.get(c.Id), (now - last) / 1000, !!v["no-trunc"]));
    if (!v["no-stream"]) process.stdout.write("\x1b[2J\x1b[H");
    console.log(table([header, ...rows]));
    if (v["no-stream"]) return 0;
    prev = cur;
    last = now;
  }
}
