// list, ps, spec, features: the read-only commands.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { errnoMessage, UserError } from "../../common/errors.ts";
import { parseFlags } from "../../common/flags.ts";
import { cgroupPids } from "../../linux/cgroups/index.ts";
import { defaultSpec, rootlessSpec } from "../../oci/defaults.ts";
import { containerStatus } from "../operations.ts";
import type { GlobalOptions } from "../main.ts";
import { features } from "../features.ts";
import { printErr } from "../../common/output.ts";

export async function listCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v } = parseFlags(argv, { format: { type: "string", short: "f" }, quiet: { type: "boolean", short: "q" } }, "list");
  if (v.format && v.format !== "table" && v.format !== "json") throw new UserError(`list: --format "${v.format}" is not table or json`);
  const rows = g.store.ids().flatMap((id) => {
    let rec;
    try {
      rec = g.store.load(id);
    } catch (err) {
      // One unreadable state file must not hide the other containers (runc warns and goes on);
      // one deleted since ids() was read is simply gone.
      if (existsSync(g.store.dir(id))) printErr(`nsbox-runtime: warning: list: ${(err as Error).message}`);
      return [];
    }
    const status = containerStatus(g.store, rec);
    return [{ ociVersion: rec.config.ociVersion, id, pid: status === "stopped" ? 0 : rec.pid, status, bundle: rec.bundle, rootfs: rec.rootfs, created: rec.created, owner: rec.owner }];
  });
  if (v.quiet) rows.forEach((r) => console.log(r.id));
  else if (v.format === "json") console.log(JSON.stringify(rows));
  else {
    const table = [["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"], ...rows.map((r) => [r.id, String(r.pid), r.status, r.bundle, r.created, r.owner])];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]! + 3)).join("").trimEnd());
  }
  return 0;
}

/** The container's PIDs: its cgroup's, or (without cgroups) every process in its PID namespace. */
function containerPids(g: GlobalOptions, id: string): number[] {
  const rec = g.store.load(id);
  if (containerStatus(g.store, rec) === "stopped") throw new UserError(`ps ${id}: container is not running`);
  if (rec.cgroup) return cgroupPids(rec.cgroup).sort((a, b) => a - b);
  return [rec.pid];
}

export async function psCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, { format: { type: "string", short: "f" } }, "ps");
  const [id, ...psArgs] = positionals;
  if (!id) throw new UserError("ps: expected a container id");
  const pids = containerPids(g, id);
  if (v.format === "json") {
    console.log(JSON.stringify(pids));
    return 0;
  }
  const out = Bun.spawnSync(["ps", ...(psArgs.length ? psArgs : ["-ef"])]).stdout.toString().split("\n");
  const header = out[0] ?? "";
  const pidColumn = header.trim().split(/\s+/).indexOf("PID");
  if (pidColumn < 0) throw new UserError("ps: the ps output has no PID column");
  console.log(header);
  const wanted = new Set(pids.map(String));
  for (const line of out.slice(1)) if (wanted.has(line.trim().split(/\s+/)[pidColumn] ?? "")) console.log(line);
  return 0;
}

export async function specCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, { bundle: { type: "string", short: "b" }, rootless: { type: "boolean" } }, "spec");
  const file = join(resolve((v.bundle as string) ?? "."), "config.json");
  const spec = v.rootless ? rootlessSpec(process.getuid!(), process.getgid!()) : defaultSpec();
  try {
    // "wx": refuse an existing file atomically (no check-then-write race).
    writeFileSync(file, JSON.stringify(spec, null, "\t") + "\n", { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(`spec: ${file} exists; remove it first`);
    throw new UserError(`spec: ${errnoMessage(err)}`);
  }
  return 0;
}

export async function featuresCommand(): Promise<number> {
  console.log(JSON.stringify(features(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8")), null, "    "));
  return 0;
}
