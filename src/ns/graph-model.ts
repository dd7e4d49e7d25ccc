// The picture's model (pure): processes grouped into rows by container and by their exact set of
// namespaces, one column per namespace type, and for each namespace the rows that share it.
// Renderers (SVG, dot, HTML) only draw this; all decisions about what is shown are made here.
import { attributeProcesses, type Target } from "./analysis.ts";
import { containerLabel, NS_TYPES, type NsType, type ProcessInfo, type Snapshot } from "./types.ts";

export interface GraphRow {
  id: string;
  kind: "host" | "container" | "processes";
  label: string;
  /** One line under the label: PIDs and what runs there. */
  detail: string;
  pids: number[];
  ns: Partial<Record<NsType, number>>;
}

export interface GraphNamespace {
  type: NsType;
  inode: number;
  /** Indices into GraphModel.rows, ascending. */
  rows: number[];
  /** host: the host row is in it; shared: several rows, host not among them; private: one row. */
  kind: "host" | "shared" | "private";
  /** For shared namespaces: 0, 1, 2 ... in order of first appearance (a colour index). */
  colour?: number;
  nprocs: number;
}

export interface GraphModel {
  title: string;
  types: NsType[];
  rows: GraphRow[];
  namespaces: GraphNamespace[];
}

const tupleKey = (p: ProcessInfo) => NS_TYPES.map((t) => p.ns[t] ?? 0).join(",");

function shortCommand(cmd: string, max = 40): string {
  return cmd.length > max ? cmd.slice(0, max - 1) + "…" : cmd;
}

/** Rows for all processes, or only those of the given targets (plus the host row for reference). */
export function buildGraph(s: Snapshot, targets: Target[] = []): GraphModel {
  const owners = attributeProcesses(s);
  const host = s.processes.find((p) => p.pid === s.hostPid);
  const hostKey = host ? tupleKey(host) : "";
  const groups = new Map<string, ProcessInfo[]>();
  for (const p of s.processes) {
    const c = owners.get(p.pid);
    const k = `${c ? "c:" + c.id : "p"}|${tupleKey(p)}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  let rows: GraphRow[] = [];
  for (const [k, procs] of groups) {
    const c = owners.get(procs[0]!.pid);
    const pids = procs.map((p) => p.pid);
    const first = procs[0]!;
    const n = procs.length;
    const many = n > 1 ? ` +${n - 1} more` : "";
    if (c) {
      const init = procs.find((p) => p.pid === c.pid) ?? first;
      rows.push({ id: k, kind: "container", label: containerLabel(c), detail: `pid ${init.pid}${many}: ${shortCommand(init.command)}`, pids, ns: first.ns });
    } else if (k === `p|${hostKey}`) {
      rows.push({ id: k, kind: "host", label: `host${s.hostname ? " " + s.hostname : ""}`, detail: `${n} process${n > 1 ? "es" : ""}`, pids, ns: first.ns });
    } else {
      rows.push({ id: k, kind: "processes", label: `pid ${first.pid}${many}`, detail: shortCommand(first.command), pids, ns: first.ns });
    }
  }
  if (targets.length) {
    const wanted = (r: GraphRow) =>
      r.kind === "host" ||
      targets.some((t) => (t.container ? r.pids.some((pid) => owners.get(pid) === t.container) : r.pids.includes(t.pid)));
    rows = rows.filter(wanted);
  }
  rows = orderRows(rows);
  return { title: graphTitle(s, rows), types: [...NS_TYPES], rows, namespaces: namespacesOf(rows, s) };
}

function graphTitle(s: Snapshot, rows: GraphRow[]): string {
  const containers = new Set(rows.filter((r) => r.kind === "container").map((r) => r.label)).size;
  const procs = rows.reduce((n, r) => n + r.pids.length, 0);
  return `Namespaces${s.hostname ? " on " + s.hostname : ""}: ${procs} processes, ${containers} container${containers === 1 ? "" : "s"}`;
}

/** Host first, then greedily the row sharing most non-host namespaces with the previous one, so
 * rows that share sit next to each other and the connecting bars stay short. */
export function orderRows(rows: GraphRow[]): GraphRow[] {
  const host = rows.find((r) => r.kind === "host");
  const rest = rows.filter((r) => r !== host).sort((a, b) => kindRank(a) - kindRank(b) || a.pids[0]! - b.pids[0]!);
  const out: GraphRow[] = host ? [host] : [];
  const isHostNs = (t: NsType, inode: number | undefined) => host !== undefined && host.ns[t] === inode;
  const affinity = (a: GraphRow, b: GraphRow) =>
    NS_TYPES.filter((t) => a.ns[t] !== undefined && a.ns[t] === b.ns[t] && !isHostNs(t, a.ns[t])).length;
  while (rest.length) {
    const prev = out[out.length - 1];
    let best = 0;
    if (prev) {
      let bestScore = -1;
      rest.forEach((r, i) => {
        const score = affinity(prev, r);
        if (score > bestScore) [best, bestScore] = [i, score];
      });
    }
    out.push(rest.splice(best, 1)[0]!);
  }
  return out;
}

const kindRank = (r: GraphRow) => (r.kind === "container" ? 0 : 1);

function namespacesOf(rows: GraphRow[], s: Snapshot): GraphNamespace[] {
  const nprocs = new Map<string, number>();
  for (const p of s.processes) for (const t of NS_TYPES) if (p.ns[t] !== undefined) nprocs.set(`${t}:${p.ns[t]}`, (nprocs.get(`${t}:${p.ns[t]}`) ?? 0) + 1);
  const out: GraphNamespace[] = [];
  let colour = 0;
  // Row-major so colours are handed out top to bottom, left to right.
  const seen = new Map<string, GraphNamespace>();
  rows.forEach((r, i) => {
    for (const type of NS_TYPES) {
      const inode = r.ns[type];
      if (inode === undefined) continue;
      const k = `${type}:${inode}`;
      const ns = seen.get(k);
      if (ns) ns.rows.push(i);
      else {
        const created: GraphNamespace = { type, inode, rows: [i], kind: "private", nprocs: nprocs.get(k) ?? 0 };
        seen.set(k, created);
        out.push(created);
      }
    }
  });
  for (const ns of out) {
    if (ns.rows.some((i) => rows[i]!.kind === "host")) ns.kind = "host";
    else if (ns.rows.length > 1) ns.kind = "shared";
  }
  for (const ns of out) if (ns.kind === "shared") ns.colour = colour++;
  return out;
}
