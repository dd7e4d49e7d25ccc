// Draws a GraphModel in graphviz's dot language, for people who want graphviz's own layouts:
// a node per row (container or process group) on the left, a node per namespace on the right,
// an edge for each membership. Host namespaces are grey, shared ones coloured, as in the SVG.
import type { GraphModel } from "./graph-model.ts";
import { nsStyle } from "./render-svg.ts";

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

export function renderDot(m: GraphModel): string {
  const out = [
    "digraph namespaces {",
    `  label=${q(m.title)}; labelloc=t; rankdir=LR; fontname="DejaVu Sans";`,
    `  node [fontname="DejaVu Sans", fontsize=11]; edge [arrowhead=none, color="#9aa5b1"];`,
  ];
  m.rows.forEach((r, i) => {
    const shape = r.kind === "container" ? "box3d" : "box";
    out.push(`  row${i} [shape=${shape}, style=filled, fillcolor="#f5f7fa", label=${q(`${r.label}\n${r.detail}`)}];`);
  });
  for (const ns of m.namespaces) {
    const id = `ns_${ns.type}_${ns.inode}`;
    const s = nsStyle(ns);
    const style = ns.kind === "private" ? "dashed" : "filled";
    out.push(`  ${id} [shape=ellipse, style=${style}, fillcolor=${q(s.fill)}, color=${q(s.stroke)}, label=${q(`${ns.type}\n${ns.inode}`)}];`);
    for (const i of ns.rows) out.push(`  row${i} -> ${id};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}
