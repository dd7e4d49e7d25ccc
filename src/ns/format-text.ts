// Text output of `nsbox ns` and `nsbox ns ls` (pure: data in, lines out).
import type { Comparison, NamespaceRow, TargetNamespace, TargetView } from "./analysis.ts";
import { containerLabel } from "./types.ts";

/** Left-aligned columns, right-aligning the ones named in `right`; the last column is not padded. */
export function table(header: string[], rows: string[][], right: Set<number> = new Set()): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join(" ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `nsbox ns ls`: lsns's default columns plus CONTAINER. `width` cuts long commands (a tty). */
export function formatNamespaceList(rows: NamespaceRow[], width?: number): string[] {
  const anyContainer = rows.some((r) => r.containers.length > 0);
  const header = ["NS", "TYPE", "NPROCS", "PID", "USER", ...(anyContainer ? ["CONTAINER"] : []), "COMMAND"];
  const body = rows.map((r) => [
    String(r.inode), r.type, String(r.nprocs), String(r.pid), r.user,
    ...(anyContainer ? [r.owner ?? ""] : []),
    r.command,
  ]);
  const lines = table(header, body, new Set([0, 2, 3]));
  return width ? lines.map((l) => (l.length > width ? l.slice(0, Math.max(width - 1, 20)) + "…" : l)) : lines;
}

/** "host", "container db", "3 other processes (pids 10, 11, 12)" or "not shared". */
export function sharedWithText(ns: TargetNamespace): string {
  const parts: string[] = [];
  // Listing PIDs of the host's namespaces is noise: nearly everything is in them.
  if (ns.host) parts.push(`host (${ns.nprocs} processes)`);
  if (ns.otherContainers.length) parts.push(`container${ns.otherContainers.length > 1 ? "s" : ""} ${ns.otherContainers.join(", ")}`);
  const n = ns.otherPids.length;
  if (n > 0 && !ns.host) {
    const shown = ns.otherPids.slice(0, 5).join(", ") + (n > 5 ? ", …" : "");
    parts.push(`${n} other process${n > 1 ? "es" : ""} (pid${n > 1 ? "s" : ""} ${shown})`);
  }
  return parts.length ? parts.join("; ") : "not shared";
}

export function targetTitle(v: TargetView): string {
  const t = v.target;
  return t.container
    ? `container ${containerLabel(t.container)} (pid ${t.pid}): ${v.command}`
    : `pid ${t.pid}: ${v.command}`;
}

/** One target's /proc/PID/ns view with sharing. */
export function formatTargetView(v: TargetView): string[] {
  const rows = v.namespaces.map((n) => [n.type, String(n.inode), sharedWithText(n)]);
  return [targetTitle(v), ...table(["TYPE", "INODE", "SHARED WITH"], rows).map((l) => "  " + l)];
}

/** `TYPE  shared (INODE)` / `distinct` / `partly shared: a, b (INODE); c (INODE)`. */
export function comparisonText(c: Comparison): string {
  if (c.verdict === "shared") return `shared (${c.groups[0]!.inode})`;
  if (c.verdict === "distinct") return "distinct";
  return "partly shared: " + c.groups.map((g) => `${g.targets.join(", ")} (${g.inode})`).join("; ");
}

export function formatComparison(views: TargetView[], comparisons: Comparison[]): string[] {
  const names = views.map((v) => v.target.label).join(" / ");
  const width = Math.max(...comparisons.map((c) => c.type.length));
  return [`${names}:`, ...comparisons.map((c) => `  ${(c.type + ":").padEnd(width + 1)} ${comparisonText(c)}`)];
}
