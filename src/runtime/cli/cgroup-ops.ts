// pause, resume, update, events: the commands that act on a container's cgroup.
import { readFileSync } from "node:fs";
import { UserError } from "../../common/errors.ts";
import { parseFlags } from "../../common/flags.ts";
import { freeze, readOomCounters, readStats, thaw, updateCgroup, type LinuxResources } from "../../linux/cgroups/index.ts";
import { containerStatus } from "../operations.ts";
import type { GlobalOptions } from "../main.ts";
import type { ContainerRecord } from "../state.ts";
import { printErr } from "../../common/output.ts";

function loadWithCgroup(g: GlobalOptions, id: string | undefined, verb: string): ContainerRecord {
  if (!id) throw new UserError(`${verb}: expected a container id`);
  const rec = g.store.load(id);
  if (!rec.cgroup) throw new UserError(`${verb} ${id}: the container has no cgroup`);
  return rec;
}

export async function pauseCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { positionals } = parseFlags(argv, {}, "pause");
  const rec = loadWithCgroup(g, positionals[0], "pause");
  const status = containerStatus(g.store, rec);
  if (status !== "running") throw new UserError(`pause ${rec.id}: container is ${status}, not running`);
  await freeze(rec.cgroup!);
  return 0;
}

export async function resumeCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { positionals } = parseFlags(argv, {}, "resume");
  const rec = loadWithCgroup(g, positionals[0], "resume");
  const status = containerStatus(g.store, rec);
  if (status !== "paused") throw new UserError(`resume ${rec.id}: container is ${status}, not paused`);
  await thaw(rec.cgroup!);
  return 0;
}

const UPDATE_FLAGS = {
  resources: { type: "string", short: "r" },
  memory: { type: "string" }, "memory-swap": { type: "string" }, "memory-reservation": { type: "string" },
  "kernel-memory": { type: "string" }, "kernel-memory-tcp": { type: "string" },
  "cpu-shares": { type: "string" }, "cpu-quota": { type: "string" }, "cpu-period": { type: "string" },
  "cpu-rt-runtime": { type: "string" }, "cpu-rt-period": { type: "string" },
  "cpuset-cpus": { type: "string" }, "cpuset-mems": { type: "string" },
  "pids-limit": { type: "string" }, "blkio-weight": { type: "string" }, "l3-cache-schema": { type: "string" },
} as const;

/** "512m", "1g", "1024" → bytes; "-1" stays -1 (unlimited). */
export function parseBytes(value: string, flag: string): number {
  const m = /^(-?\d+)([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new UserError(`update: --${flag} "${value}": expected a number of bytes (e.g. 512m)`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

function integer(value: string, flag: string): number {
  if (!/^-?\d+$/.test(value)) throw new UserError(`update: --${flag} "${value}": expected an integer`);
  return Number(value);
}

/** Resources from -r FILE (JSON, "-" for stdin) or from the flags. */
export function updateResources(v: Record<string, unknown>): LinuxResources {
  if (v.resources) {
    const file = v.resources as string;
    try {
      return JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8")) as LinuxResources;
    } catch (err) {
      throw new UserError(`update: -r ${file}: ${(err as Error).message}`);
    }
  }
  const s = (k: string) => v[k] as string | undefined;
  const r: LinuxResources = {};
  const mem: NonNullable<LinuxResources["memory"]> = {};
  if (s("memory")) mem.limit = parseBytes(s("memory")!, "memory");
  if (s("memory-swap")) mem.swap = parseBytes(s("memory-swap")!, "memory-swap");
  if (s("memory-reservation")) mem.reservation = parseBytes(s("memory-reservation")!, "memory-reservation");
  if (s("kernel-memory")) mem.kernel = parseBytes(s("kernel-memory")!, "kernel-memory");
  if (s("kernel-memory-tcp")) mem.kernelTCP = parseBytes(s("kernel-memory-tcp")!, "kernel-memory-tcp");
  if (Object.keys(mem).length) r.memory = mem;
  const cpu: NonNullable<LinuxResources["cpu"]> = {};
  if (s("cpu-shares")) cpu.shares = integer(s("cpu-shares")!, "cpu-shares");
  if (s("cpu-quota")) cpu.quota = integer(s("cpu-quota")!, "cpu-quota");
  if (s("cpu-period")) cpu.period = integer(s("cpu-period")!, "cpu-period");
  if (s("cpu-rt-runtime")) cpu.realtimeRuntime = integer(s("cpu-rt-runtime")!, "cpu-rt-runtime");
  if (s("cpu-rt-period")) cpu.realtimePeriod = integer(s("cpu-rt-period")!, "cpu-rt-period");
  if (s("cpuset-cpus")) cpu.cpus = s("cpuset-cpus");
  if (s("cpuset-mems")) cpu.mems = s("cpuset-mems");
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (s("pids-limit")) r.pids = { limit: integer(s("pids-limit")!, "pids-limit") };
  if (s("blkio-weight")) r.blockIO = { weight: integer(s("blkio-weight")!, "blkio-weight") };
  return r;
}

export async function updateCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, UPDATE_FLAGS, "update");
  const rec = loadWithCgroup(g, positionals[0], "update");
  if (containerStatus(g.store, rec) === "stopped") throw new UserError(`update ${rec.id}: container is stopped`);
  const resources = updateResources(v);
  for (const warning of updateCgroup(rec.cgroup!, resources)) printErr(`nsbox-runtime: warning: ${warning}`);
  return 0;
}

export async function eventsCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, { stats: { type: "boolean" }, interval: { type: "string" } }, "events");
  const rec = loadWithCgroup(g, positionals[0], "events");
  const stats = () => JSON.stringify({ type: "stats", id: rec.id, data: readStats(rec.cgroup!) });
  if (v.stats) {
    console.log(stats());
    return 0;
  }
  const m = /^(\d+)(ms|s|m)?$/.exec((v.interval as string) ?? "5s");
  if (!m) throw new UserError(`events: --interval "${v.interval}": expected a duration such as 5s`);
  const intervalMs = Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 }[(m[2] ?? "s") as "ms" | "s" | "m"]);
  let ooms = readOomCounters(rec.cgroup!)?.oomKills ?? 0;
  let nextStats = 0;
  // Stats every interval and an "oom" event as soon as the kill counter moves, until the container stops.
  while (containerStatus(g.store, rec) !== "stopped") {
    const now = Date.now();
    if (now >= nextStats) {
      console.log(stats());
      nextStats = now + intervalMs;
    }
    const kills = readOomCounters(rec.cgroup!)?.oomKills ?? 0;
    if (kills > ooms) console.log(JSON.stringify({ type: "oom", id: rec.id }));
    ooms = kills;
    await Bun.sleep(Math.min(200, intervalMs));
  }
  return 0;
}
