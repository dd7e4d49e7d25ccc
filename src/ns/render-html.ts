// A self-contained HTML page: the SVG picture (hover a cell for who shares it) and a table of the
// rows with all their PIDs, for when the picture abbreviates.
import type { GraphModel } from "./graph-model.ts";
import { escapeXml, renderSvg } from "./render-svg.ts";

export function renderHtml(m: GraphModel): string {
  const rows = m.rows
    .map((r) => {
      const ns = m.types.map((t) => `<td>${r.ns[t] ?? ""}</td>`).join("");
      return `<tr><th>${escapeXml(r.label)}</th><td>${r.kind}</td><td>${escapeXml(r.pids.join(" "))}</td>${ns}</tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(m.title)}</title>
<style>
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 16px; color: #1f2933; }
table { border-collapse: collapse; font-size: 12px; margin-top: 16px; }
th, td { border: 1px solid #cbd2d9; padding: 3px 6px; text-align: left; vertical-align: top; }
td { font-family: "DejaVu Sans Mono", monospace; }
td:nth-child(3) { max-width: 320px; word-break: break-word; }
</style></head><body>
${renderSvg(m)}
<table><tr><th>row</th><th>kind</th><th>pids</th>${m.types.map((t) => `<th>${t}</th>`).join("")}</tr>
${rows}
</table>
</body></html>
`;
}
