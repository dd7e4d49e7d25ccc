// `volume ls --filter` and `volume prune --filter`, moby's rules (pure):
//   ls:    dangling=true|false|1|0 (used by no container), name=PART (substring), driver=local,
//          label=K[=V], label!=K[=V]
//   prune: label=, label!=, all=true|false (docker 23+: without it only anonymous volumes go)
import { UserError } from "../common/errors.ts";
import { matchLabels, parseFilters } from "../common/filters.ts";
import { ANONYMOUS_LABEL } from "./volume-spec.ts";
import type { Volume } from "./volumes.ts";

const LS_KEYS = ["dangling", "name", "driver", "label", "label!"];
const PRUNE_KEYS = ["label", "label!", "all"];

function boolValue(key: string, v: string): boolean {
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new UserError(`invalid filter '${key}=${v}'`, 1);
}

/** The shared parser, with docker's exit code for these commands: an unknown key is the daemon's
 * "invalid filter", a plain error (exit 1). */
const volumeFilters = (filters: readonly string[], keys: readonly string[]) => parseFilters(filters, keys, 1);

/** `volume ls`'s filter: (volume, is it used by a container) → listed. */
export function volumeLsFilter(filters: readonly string[]): (v: Volume, inUse: boolean) => boolean {
  const f = volumeFilters(filters, LS_KEYS);
  const dangling = f.get("dangling")?.map((x) => boolValue("dangling", x));
  return (v, inUse) => {
    if (dangling && !dangling.includes(!inUse)) return false;
    if (f.has("name") && !f.get("name")!.some((n) => v.Name.includes(n))) return false;
    if (f.has("driver") && !f.get("driver")!.includes(v.Driver)) return false;
    return matchLabels(f, v.Labels);
  };
}

/** `volume prune`'s filter: (volume) → may go (the caller also requires it unused). */
export function volumePruneFilter(filters: readonly string[], all = false): (v: Volume) => boolean {
  const f = volumeFilters(filters, PRUNE_KEYS);
  const every = all || (f.get("all") ?? []).some((x) => boolValue("all", x));
  return (v) => (every || ANONYMOUS_LABEL in (v.Labels ?? {})) && matchLabels(f, v.Labels);
}
