import { describe, expect, test } from "bun:test";
import { buildGraph } from "../../src/ns/graph-model.ts";
import { renderDot } from "../../src/ns/render-dot.ts";
import { renderHtml } from "../../src/ns/render-html.ts";
import { renderSvg } from "../../src/ns/render-svg.ts";
import { resolveTarget } from "../../src/ns/targets.ts";
import { fixture, HOST } from "./ns-fixture.ts";

const s = fixture();

describe("graph model", () => {
  const m = buildGraph(s);
  const rowOf = (label: string) => m.rows.findIndex((r) => r.label === label);
  test("rows: host first, then containers, then other process groups", () => {
    expect(m.rows[0]).toMatchObject({ kind: "host", label: "host box", pids: [1, 2, 50] });
    expect(m.rows.filter((r) => r.kind === "container").map((r) => r.label).sort()).toEqual(["db", "web"]);
    expect(m.rows.find((r) => r.label === "web")!.pids).toEqual([200, 201, 300]);
    expect(m.rows.at(-1)).toMatchObject({ kind: "processes", label: "pid 400" });
  });
  test("namespaces: host's grey, db+web's network shared with one colour, web's pid private", () => {
    const net = m.namespaces.find((n) => n.type === "net" && n.inode === 2003)!;
    expect(net.kind).toBe("shared");
    expect(net.rows).toEqual([rowOf("db"), rowOf("web")].sort());
    expect(net.colour).toBe(0);
    expect(m.namespaces.find((n) => n.type === "pid" && n.inode === 3002)!.kind).toBe("private");
    expect(m.namespaces.find((n) => n.type === "user" && n.inode === HOST.user)!.rows.length).toBe(4);
    expect(m.namespaces.find((n) => n.type === "user")!.kind).toBe("host");
  });
  test("rows sharing namespaces are placed next to each other", () => {
    expect(Math.abs(rowOf("db") - rowOf("web"))).toBe(1);
  });
  test("targets restrict the rows (the host row stays for reference)", () => {
    const only = buildGraph(s, [resolveTarget("web", s.containers, () => true)]);
    expect(only.rows.map((r) => r.label)).toEqual(["host box", "web"]);
    expect(only.namespaces.find((n) => n.inode === 2003)!.kind).toBe("private");
  });
});

describe("renderers", () => {
  const m = buildGraph(s);
  test("SVG: well-formed, every row label and every inode drawn, shared bar present", () => {
    const svg = renderSvg(m);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    for (const r of m.rows) expect(svg).toContain(`>${r.label}<`);
    for (const n of m.namespaces) expect(svg).toContain(`>${n.inode}</text>`);
    expect(svg).toContain("net:[2003] shared by db, web (5 processes)");
    // Balanced tags: a cheap well-formedness check that catches unescaped text and typos.
    const open = (svg.match(/<(rect|text|g|tspan|title)\b/g) ?? []).length;
    const selfClosed = (svg.match(/<rect\b[^>]*\/>/g) ?? []).length;
    const closed = (svg.match(/<\/(rect|text|g|tspan|title)>/g) ?? []).length;
    expect(open).toBe(selfClosed + closed);
  });
  test("SVG escapes commands", () => {
    const odd = fixture();
    odd.processes.find((p) => p.pid === 400)!.command = `sh -c "a<b && c"`;
    expect(renderSvg(buildGraph(odd))).toContain("sh -c &quot;a&lt;b &amp;&amp; c&quot;");
  });
  test("dot: a node per row and per namespace, an edge per membership", () => {
    const dot = renderDot(m);
    expect(dot).toMatch(/^digraph namespaces \{/);
    expect(dot).toContain('ns_net_2003 [shape=ellipse, style=filled');
    const edges = dot.match(/ -> /g)!.length;
    expect(edges).toBe(m.namespaces.reduce((n, ns) => n + ns.rows.length, 0));
    // Labels use \n escapes, not raw newlines: every line closes the quotes it opens.
    for (const line of dot.split("\n")) expect((line.match(/(?<!\\)"/g) ?? []).length % 2).toBe(0);
  });
  test("html embeds the SVG and lists every PID", () => {
    const html = renderHtml(m);
    expect(html).toContain("<svg");
    expect(html).toContain("<td>200 201 300</td>");
  });
});
