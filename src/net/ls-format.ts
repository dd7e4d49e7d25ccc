// `network ls` as docker prints it (docker/cli's network formatter and moby's network filters):
// rows sorted by name, the NETWORK ID / NAME / DRIVER / SCOPE table, --format fields and --filter
// keys. Pure: the caller brings the records and how many containers each network has.
import { matchLabels, parseFilters } from "../common/filters.ts";
import type { NetworkRow } from "./store.ts";

/** docker's predefined networks (type=builtin, never dangling). */
const PREDEFINED = new Set(["bridge", "host", "none"]);
const LS_FILTERS = ["dangling", "driver", "id", "label", "name", "scope", "type"];

/** What `network ls` shows of a network: a bridge network's record, or host and none
 * (src/net/predefined.ts) which name their driver and have no subnet. */
export type LsNetwork = Pick<NetworkRow, "id" | "name" | "internal" | "created" | "labels"> & { subnet?: string; driver?: string };

export interface ListedNetwork {
  row: LsNetwork;
  /** Containers attached (for `dangling`). */
  containers: number;
}

/** Go's time.Time.String() in UTC ("2024-05-01 10:20:30.123 +0000 UTC"), docker's .CreatedAt. */
export function goTimeString(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-05-01T10:20:30.123Z
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ""} +0000 UTC`;
}

/** The --format fields of docker's network ls (plus Subnet, which docker's table lacks). */
export function lsFields(n: LsNetwork, noTrunc: boolean) {
  return {
    ID: noTrunc ? n.id : n.id.slice(0, 12),
    Name: n.name,
    Driver: n.driver ?? "bridge",
    Scope: "local",
    IPv6: false,
    Internal: n.internal,
    Labels: Object.entries(n.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(","),
    CreatedAt: goTimeString(n.created),
    Subnet: n.subnet ?? "",
  };
}

export function lsTableRows(list: LsNetwork[], noTrunc: boolean): string[][] {
  return [["NETWORK ID", "NAME", "DRIVER", "SCOPE"], ...list.map((n) => lsFields(n, noTrunc)).map((f) => [f.ID, f.Name, f.Driver, f.Scope])];
}

/** moby's filters.Args.Match: the value equals the field or, as a regular expression, matches in it. */
function match(pattern: string, field: string): boolean {
  if (pattern === field) return true;
  try {
    return new RegExp(pattern).test(field);
  } catch {
    return false;
  }
}

/**
 * --filter for network ls, as moby's network filter: name and id match as regular expressions
 * (so an id prefix works), driver and scope exactly, label=K[=V] all hold, type=custom|builtin,
 * dangling=true|false (no container; predefined networks are never dangling). Keys AND, values OR.
 */
export function networkLsFilter(filters: string[], invalid: (msg: string) => Error): (n: ListedNetwork) => boolean {
  const byKey = parseFilters(filters, LS_FILTERS);
  for (const t of byKey.get("type") ?? []) if (t !== "custom" && t !== "builtin") throw invalid(`invalid filter: 'type'='${t}'`);
  const dangling = (byKey.get("dangling") ?? []).map((v) => {
    if (v !== "true" && v !== "1" && v !== "false" && v !== "0") throw invalid(`invalid filter: 'dangling'='${v}'`);
    return v === "true" || v === "1";
  });
  return ({ row, containers }) => {
    const f = lsFields(row, true);
    const any = (k: string, test: (v: string) => boolean) => !byKey.has(k) || byKey.get(k)!.some(test);
    const isDangling = !PREDEFINED.has(row.name) && containers === 0;
    return (
      any("name", (v) => match(v, row.name)) &&
      any("id", (v) => match(v, row.id)) &&
      any("driver", (v) => v === f.Driver) &&
      any("scope", (v) => v === f.Scope) &&
      any("type", (v) => (v === "builtin") === PREDEFINED.has(row.name)) &&
      (!dangling.length || dangling.some((d) => d === isDangling)) &&
      matchLabels(byKey, row.labels)
    );
  };
}

/** docker sorts the list by name, naturally ("net2" before "net10"). */
export function byName(a: LsNetwork, b: LsNetwork): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a.name);
  const y = chunks(b.name);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q) && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}
