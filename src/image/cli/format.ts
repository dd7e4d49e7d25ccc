// Output helpers shared by the image commands: docker-like tables, sizes, ages, --format templates.

/** docker's human sizes: SI units, 3 significant digits ("4.26MB"). */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes, i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : Number(v.toPrecision(3))}${units[i]}`;
}

/**
 * docker's units.HumanDuration (go-units): seconds and minutes truncated, hours rounded
 * ("Less than a second", "1 second", "5 seconds", "About a minute", "About an hour", "3 days", …).
 * The one relative-time wording of every list (images, ps CREATED and STATUS, history, networks).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** docker's "CREATED" and "Exited (0) … ago" wording: HumanDuration(now - when) + " ago". */
export function timeAgo(when: Date | number | string, now = Date.now()): string {
  const t = new Date(when).getTime();
  if (!Number.isFinite(t) || t < 0) return "N/A";
  return `${humanDuration(now - t)} ago`;
}

/**
 * Columns separated by at least 3 spaces, as docker prints them; `minWidth`: docker's tabwriter
 * minimum cell width (10 for network ls: "NAME      DRIVER").
 */
export function table(rows: string[][], minWidth = 0): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.max(widths[i]! + 3, minWidth)))).join("").trimEnd()).join("\n");
}

function lookup(obj: unknown, path: string): unknown {
  let v = obj;
  for (const k of path.split(".").filter(Boolean)) v = v == null ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "<no value>";
  if (typeof v === "object") return Array.isArray(v) ? `[${v.map(show).join(" ")}]` : `map[${Object.entries(v).map(([k, x]) => `${k}:${show(x)}`).join(" ")}]`;
  return String(v);
}

/** The subset of Go templates that scripts use with docker: {{.A.B}}, {{json .A}}, {{json .}}, "table" prefix. */
export function goTemplate(format: string, obj: unknown): string {
  return format
    .replace(/^table\s+/, "")
    .replace(/\\t/g, "\t")
    .replace(/\\n/g, "\n")
    .replace(/\{\{\s*(json\s+)?\.([\w.]*)\s*\}\}/g, (_, json, path) => {
      const v = lookup(obj, path);
      return json ? JSON.stringify(v ?? null) : show(v);
    });
}
