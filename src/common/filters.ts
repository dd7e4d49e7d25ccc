// docker's `--filter KEY=VALUE` lists, shared by `ps` and the prune commands (container, image,
// network): parsing, accepted keys, and the matching rules of moby's filters.Args that more than
// one command needs (label / label!, until). Command-specific keys are tested by their caller.
import { UserError } from "./errors.ts";

export type Filters = Map<string, string[]>;

/** The keys every prune command accepts (moby daemon/prune.go and image_prune.go). */
export const PRUNE_FILTERS = ["label", "label!", "until"] as const;

/**
 * Parses `K=V` strings into key → values. As docker's FilterOpt the key ends at the first `=`,
 * so `label!=a=b` is key `label!` with value `a=b`; unknown keys are refused as the daemon does,
 * with `unknownKeyExit` (125 where docker's CLI reports it, 1 for the volume commands, whose
 * daemon error docker prints as is). A filter without `=` is always the CLI's flag error (125).
 */
export function parseFilters(filters: readonly string[], accepted: readonly string[], unknownKeyExit = 125): Filters {
  const byKey: Filters = new Map();
  for (const f of filters) {
    const i = f.indexOf("=");
    if (i < 0) throw new UserError(`bad format of filter (expected name=value): ${f}`, 125);
    const k = f.slice(0, i);
    if (!accepted.includes(k)) throw new UserError(`invalid filter '${k}'`, unknownKeyExit);
    byKey.set(k, [...(byKey.get(k) ?? []), f.slice(i + 1)]);
  }
  return byKey;
}

/** moby's MatchKVList: every `K` or `K=V` of `key` holds for `labels` (true when none is given). */
function matchKVList(values: string[] | undefined, labels: Record<string, string>): boolean {
  if (!values?.length) return true;
  return values.every((v) => {
    const eq = v.indexOf("=");
    const k = eq < 0 ? v : v.slice(0, eq);
    return k in labels && (eq < 0 || labels[k] === v.slice(eq + 1));
  });
}

/** `label=K[=V]` (all must hold) and `label!=K[=V]` (excluded when all of them hold), as moby's matchLabels. */
export function matchLabels(f: Filters, labels: Record<string, string> | null | undefined): boolean {
  const l = labels ?? {};
  if (!matchKVList(f.get("label"), l)) return false;
  return !(f.has("label!") && matchKVList(f.get("label!"), l));
}

/** Go's time.ParseDuration units, in milliseconds. */
const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * docker's timestamp.Parse (logs --since/--until, prune until=): a Go duration before `now`
 * ("10m", "1h30m", "1.5h"), unix seconds ("1700000000", "1700000000.5"), or an RFC 3339 date or
 * time. Returns milliseconds since the epoch.
 */
export function parseTimestamp(what: string, s: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const parts = [...s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (s && parts.map((p) => p[0]).join("") === s) return now - parts.reduce((ms, p) => ms + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new UserError(`invalid value for "${what}": "${s}" (a duration such as 10m, unix seconds, or an RFC 3339 time)`, 125);
  return t;
}

/** The `until` filter: objects created after it are kept. One value at most, as moby. */
export function untilTime(f: Filters, now = Date.now()): number | undefined {
  const v = f.get("until");
  if (!v) return undefined;
  if (v.length > 1) throw new UserError("more than one until filter specified", 125);
  return parseTimestamp("until", v[0]!, now);
}

/** A prune command's filter: true for an object (its labels, its creation time) that may go. */
export function pruneFilter(filters: readonly string[], now = Date.now()): (labels: Record<string, string> | null | undefined, created: number | string | undefined) => boolean {
  const f = parseFilters(filters, PRUNE_FILTERS);
  const until = untilTime(f, now);
  return (labels, created) => {
    if (until !== undefined) {
      const t = typeof created === "number" ? created : Date.parse(created ?? "");
      if (!(t <= until)) return false; // moby: created after `until` (or unknown, for images) is kept
    }
    return matchLabels(f, labels);
  };
}
