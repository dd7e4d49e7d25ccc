// Where `nsbox ns` and `nsbox nsenter -t NAME` learn about containers. A source lists containers
// with the host PID of their init; the toolkit then attributes processes and namespaces to them.
//
// The hook for the engine (issue 5): add one line to `sources` below that lazily imports a module
// exporting `containerSource: ContainerSource` (names + init PIDs from the engine's metadata).
import { printErr } from "../common/output.ts";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { ContainerInfo } from "./types.ts";

export interface ContainerSource {
  /** Shown in output ("nsbox-runtime", "engine"). */
  readonly name: string;
  /** Running containers. Must not throw for a missing root: an empty list is the answer then. */
  list(): Promise<ContainerInfo[]>;
}

/** Default root of the OCI runtime's state (overridable for tests and `--root`). */
export function runtimeRoot(): string {
  return process.env.NSBOX_RUNTIME_ROOT || "/run/nsbox-runtime";
}

/** Containers of nsbox-runtime: ROOT/ID/state.json with `id` and `pid`, skipping stopped ones. */
export function runtimeStateSource(root = runtimeRoot()): ContainerSource {
  return {
    name: "nsbox-runtime",
    async list() {
      if (!existsSync(root)) return [];
      const out: ContainerInfo[] = [];
      for (const dir of readdirSync(root)) {
        let state: { id?: unknown; pid?: unknown; status?: unknown };
        try {
          state = JSON.parse(readFileSync(`${root}/${dir}/state.json`, "utf8"));
        } catch {
          continue; // being created or deleted right now, or not a container dir
        }
        if (typeof state.id !== "string" || typeof state.pid !== "number" || state.pid <= 0) continue;
        if (state.status === "stopped") continue;
        // A stale state whose PID is gone would otherwise claim a recycled PID's namespaces.
        if (!existsSync(`/proc/${state.pid}`)) continue;
        out.push({ id: state.id, pid: state.pid, source: "nsbox-runtime" });
      }
      return out;
    },
  };
}

const sources: Array<() => Promise<ContainerSource>> = [
  async () => runtimeStateSource(),
  async () => (await import("../engine/ns-source.ts")).containerSource,
];

/** Containers from every source; one failing source is reported on stderr, not fatal. */
export async function listContainers(): Promise<ContainerInfo[]> {
  const lists = await Promise.all(
    sources.map(async (load) => {
      try {
        return await (await load()).list();
      } catch (err) {
        printErr(`nsbox: warning: cannot list containers: ${(err as Error).message}`);
        return [];
      }
    }),
  );
  // The engine runs containers through the runtime, so one container may appear twice: keep one
  // per init PID, preferring the record with a name (the engine's).
  const byPid = new Map<number, ContainerInfo>();
  for (const c of lists.flat()) {
    const prev = byPid.get(c.pid);
    if (!prev || (!prev.name && c.name)) byPid.set(c.pid, c);
  }
  return [...byPid.values()];
}
