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

export function timeAgo(when: Date | number | string, now = Date.now()): string {
  const t = new Date(when).getTime();
  if (!Number.isFinite(t) || t < 0) return "N/A";
  const s = Math.max(0, Math.round((now - t) / 1000));
  const steps: [number, string][] = [[60 * 60 * 24 * 365, "year"], [60 * 60 * 24 * 30, "month"], [60 * 60 * 24 * 7, "week"], [60 * 60 * 24, "day"], [60 * 60, "hour"], [60, "minute"]];
  for (const [secs, unit] of steps) {
    const n = Math.floor(s / secs);
    if (n >= 1) return n === 1 ? `${unit === "hour" ? "An" : "A"} ${unit} ago` : `${n} ${unit}s ago`;
  }
  return s < 1 ? "Less than a second ago" : `${s} seconds ago`;
}

/** Columns separated by at least 3 spaces, as docker prints them. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join("").trimEnd()).join("\n");
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
