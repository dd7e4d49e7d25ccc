// Draws a GraphModel as a self-contained SVG, laid out here without graphviz: one row per process
// group or container, one column per namespace type. Every cell shows the namespace inode; cells
// of the same namespace have the same colour and are joined by a vertical bar, so "web and db
// share a network namespace" is visible at a glance. Grey = the host's namespace.
import type { GraphModel, GraphNamespace } from "./graph-model.ts";
import { NS_MEANING } from "./types.ts";

const M = 20; // outer margin
const TITLE_H = 36;
const HEAD_H = 46;
const LABEL_W = 300;
const COL_W = 122;
const ROW_H = 52;
const PILL_W = 108;
const PILL_H = 30;
const LEGEND_H = 70;

// Colour-blind-friendly palette (Okabe-Ito, lightened fills with the full colour as stroke).
const PALETTE: { fill: string; stroke: string }[] = [
  { fill: "#f9d9a8", stroke: "#e69f00" },
  { fill: "#bfe3f6", stroke: "#56b4e9" },
  { fill: "#a8e0cf", stroke: "#009e73" },
  { fill: "#f7efa0", stroke: "#c9b800" },
  { fill: "#b3cde8", stroke: "#0072b2" },
  { fill: "#f3c4a6", stroke: "#d55e00" },
  { fill: "#ecc5da", stroke: "#cc79a7" },
];
const HOST = { fill: "#e4e7eb", stroke: "#9aa5b1" };
const PRIVATE = { fill: "#ffffff", stroke: "#52606d" };

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export function nsStyle(ns: GraphNamespace): { fill: string; stroke: string } {
  if (ns.kind === "host") return HOST;
  if (ns.kind === "shared") return PALETTE[(ns.colour ?? 0) % PALETTE.length]!;
  return PRIVATE;
}

/** Size of the drawing for a model (the HTML page uses it too). */
export function svgSize(m: GraphModel): { width: number; height: number } {
  return { width: M * 2 + LABEL_W + m.types.length * COL_W, height: M * 2 + TITLE_H + HEAD_H + m.rows.length * ROW_H + LEGEND_H };
}

export function renderSvg(m: GraphModel): string {
  const { width, height } = svgSize(m);
  const top = M + TITLE_H + HEAD_H;
  const colX = (i: number) => M + LABEL_W + i * COL_W + COL_W / 2; // column centre
  const rowY = (i: number) => top + i * ROW_H + ROW_H / 2; // row centre
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${M}" y="${M + 20}" font-size="18" font-weight="bold" fill="#1f2933">${escapeXml(m.title)}</text>`,
  );
  // Column headings: the type and what it isolates.
  m.types.forEach((t, i) => {
    out.push(
      `<text x="${colX(i)}" y="${M + TITLE_H + 18}" text-anchor="middle" font-size="14" font-weight="bold" fill="#1f2933">${t}</text>`,
      `<text x="${colX(i)}" y="${M + TITLE_H + 34}" text-anchor="middle" font-size="10" fill="#616e7c">${escapeXml(NS_MEANING[t])}</text>`,
    );
  });
  // Row stripes and labels.
  m.rows.forEach((r, i) => {
    const y = top + i * ROW_H;
    if (i % 2 === 0) out.push(`<rect x="${M}" y="${y}" width="${width - 2 * M}" height="${ROW_H}" fill="#f5f7fa"/>`);
    const badge = r.kind === "container" ? "container" : r.kind === "host" ? "host" : "processes";
    out.push(
      `<text x="${M + 8}" y="${y + 21}" font-size="14" font-weight="bold" fill="#1f2933">${escapeXml(r.label)}` +
        `<tspan dx="8" font-size="10" font-weight="normal" fill="#7b8794">${badge}</tspan></text>`,
      `<text x="${M + 8}" y="${y + 39}" font-size="11" fill="#52606d">${escapeXml(r.detail)}</text>`,
    );
  });
  // Bars joining the rows of each namespace that more than one row is in, drawn under the cells.
  for (const ns of m.namespaces) {
    if (ns.rows.length < 2) continue;
    const col = m.types.indexOf(ns.type);
    const y1 = rowY(ns.rows[0]!);
    const y2 = rowY(ns.rows[ns.rows.length - 1]!);
    out.push(`<rect x="${colX(col) - 5}" y="${y1}" width="10" height="${y2 - y1}" rx="3" fill="${nsStyle(ns).stroke}"/>`);
  }
  // Cells.
  for (const ns of m.namespaces) {
    const col = m.types.indexOf(ns.type);
    const style = nsStyle(ns);
    const who = ns.rows.map((i) => m.rows[i]!.label).join(", ");
    const tip = `${ns.type}:[${ns.inode}] ${ns.kind === "private" ? "private to" : "shared by"} ${who} (${ns.nprocs} process${ns.nprocs === 1 ? "" : "es"})`;
    for (const i of ns.rows) {
      out.push(
        `<g><title>${escapeXml(tip)}</title>` +
          `<rect x="${colX(col) - PILL_W / 2}" y="${rowY(i) - PILL_H / 2}" width="${PILL_W}" height="${PILL_H}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${ns.kind === "private" ? 1 : 2}"${ns.kind === "private" ? ' stroke-dasharray="4 3"' : ""}/>` +
          `<text x="${colX(col)}" y="${rowY(i) + 4}" text-anchor="middle" font-size="11" font-family="DejaVu Sans Mono, monospace" fill="#1f2933">${ns.inode}</text></g>`,
      );
    }
  }
  out.push(...legend(M, top + m.rows.length * ROW_H + 18));
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function legend(x: number, y: number): string[] {
  const items: [{ fill: string; stroke: string }, string, boolean][] = [
    [HOST, "the host's namespace", false],
    [PALETTE[0]!, "shared: same colour, joined by a bar = one namespace", false],
    [PRIVATE, "private to this row", true],
  ];
  const out: string[] = [];
  let cx = x;
  for (const [style, text, dashed] of items) {
    out.push(
      `<rect x="${cx}" y="${y}" width="34" height="20" rx="6" fill="${style.fill}" stroke="${style.stroke}" stroke-width="${dashed ? 1 : 2}"${dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
      `<text x="${cx + 42}" y="${y + 14}" font-size="12" fill="#323f4b">${escapeXml(text)}</text>`,
    );
    cx += 42 + text.length * 7 + 30;
  }
  out.push(`<text x="${x}" y="${y + 44}" font-size="11" fill="#616e7c">Numbers are namespace inodes, as in ls -l /proc/PID/ns. Rows group processes with the same namespaces.</text>`);
  return out;
}
