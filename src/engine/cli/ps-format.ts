// `ps` lines as docker prints them: the Status column ("Up 5 seconds", "Exited (0) 2 minutes ago",
// "Created"), the quoted, truncated command, and the filters scripts use.
import { matchLabels, parseFilters } from "../../common/filters.ts";
import { humanDuration, timeAgo } from "../../image/cli/format.ts";
import type { ContainerJSON } from "../types.ts";

export function statusText(c: ContainerJSON, now = Date.now()): string {
  const s = c.State;
  if (s.Status === "restarting") return `Restarting (${s.ExitCode}) ${timeAgo(s.FinishedAt, now)}`;
  if (s.Running) return `Up ${humanDuration(now - Date.parse(s.StartedAt))}${s.Paused ? " (Paused)" : ""}`;
  if (s.Status === "exited") {
    const when = Date.parse(s.FinishedAt) > 0 ? ` ${timeAgo(s.FinishedAt, now)}` : "";
    return `Exited (${s.ExitCode})${when}`; // no time when the monitor died before it could record one
  }
  return "Created";
}

/** docker's PORTS column: "0.0.0.0:8080->80/tcp, 6379/tcp" (published while running, else exposed). */
export function portsText(c: ContainerJSON): string {
  const published = c.State.Running ? (c.NetworkSettings?.Ports ?? {}) : {};
  const out: string[] = [];
  for (const [key, binds] of Object.entries(published as Record<string, { HostIp: string; HostPort: string }[] | null>)) {
    for (const b of binds ?? []) out.push(`${b.HostIp || "0.0.0.0"}:${b.HostPort}->${key}`);
  }
  for (const key of Object.keys(c.Config.ExposedPorts ?? {})) if (!(key in published)) out.push(key);
  return out.join(", ");
}

export function psLine(c: ContainerJSON, noTrunc: boolean) {
  let cmd = [c.Path, ...c.Args].join(" ");
  if (!noTrunc && cmd.length > 20) cmd = `${cmd.slice(0, 19)}…`;
  return {
    ID: noTrunc ? c.Id : c.Id.slice(0, 12),
    Image: c.Config.Image,
    Command: `"${cmd}"`,
    CreatedAt: c.Created,
    RunningFor: timeAgo(c.Created),
    Status: statusText(c),
    State: c.State.Status,
    Ports: portsText(c),
    Names: c.Name.slice(1),
    Labels: Object.entries(c.Config.Labels).map(([k, x]) => `${k}=${x}`).join(","),
  };
}

export function psRows(list: ContainerJSON[], noTrunc: boolean): string[][] {
  const rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]];
  for (const c of list) {
    const l = psLine(c, noTrunc);
    rows.push([l.ID, l.Image, l.Command, l.RunningFor, l.Status, l.Ports, l.Names]);
  }
  return rows;
}

/** ps's filter keys (docker's subset scripts use); `label` and `label!` follow moby's label rules. */
const PS_FILTERS = ["name", "id", "status", "label", "label!", "ancestor", "exited"];

/** --filter name=REGEX | id=PREFIX | status=STATE | label=K[=V] | ancestor=IMAGE; same key ORs, keys AND (labels: all hold). */
export function psFilter(filters: string[]): (c: ContainerJSON) => boolean {
  const byKey = parseFilters(filters, PS_FILTERS);
  const test = (k: string, val: string, c: ContainerJSON): boolean => {
    switch (k) {
      case "name": return new RegExp(val).test(c.Name.slice(1));
      case "id": return c.Id.startsWith(val);
      case "status": return c.State.Status === val;
      case "exited": return c.State.Status === "exited" && String(c.State.ExitCode) === val;
      default: return c.Config.Image === val || c.Image === val || c.Image.startsWith(`sha256:${val}`); // ancestor
    }
  };
  return (c) => matchLabels(byKey, c.Config.Labels) && [...byKey].every(([k, vals]) => k.startsWith("label") || vals.some((val) => test(k, val, c)));
}
