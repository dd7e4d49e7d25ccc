// `nsbox ns`: which namespaces processes and containers are in, and which they share.
//   nsbox ns [--json] [PID|CONTAINER ...]      the /proc/PID/ns view with sharing, and a comparison
//   nsbox ns ls [--json] [-t TYPE]             every namespace on the host, like lsns
//   nsbox ns graph [--format svg|dot|html] [-o FILE] [PID|CONTAINER ...]   a picture
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserError } from "../../common/errors.ts";
import { compareTargets, describeTarget, listNamespaces, type Target } from "../../ns/analysis.ts";
import { listContainers } from "../../ns/containers.ts";
import { formatComparison, formatNamespaceList, formatTargetView } from "../../ns/format-text.ts";
import { readSnapshot } from "../../ns/proc-reader.ts";
import { resolveTarget } from "../../ns/targets.ts";
import { isNsType, NS_TYPES, type Snapshot } from "../../ns/types.ts";
import { namespaceListJson, targetsJson } from "../../ns/format-json.ts";

export const summary = "Show namespaces of processes and containers, and which they share";

const HELP = `Usage:
  nsbox ns [--json] [PID|CONTAINER ...]
  nsbox ns ls [--json] [-t TYPE]
  nsbox ns graph [--format svg|dot|html] [-o FILE] [PID|CONTAINER ...]

Show the namespaces (type and inode, as under /proc/PID/ns) of each process or container, which
other processes and containers share each one, and, for two or more, what they have in common.
Without a target, shows the namespaces of the calling shell.

Subcommands:
  ls      list every namespace on the host (like lsns) with its owning container
  graph   draw processes/containers and the namespaces they share (SVG by default)

Options:
  --json            machine-readable output
  -t, --type TYPE   (ls) only namespaces of this type: ${NS_TYPES.join(", ")}
  --format FORMAT   (graph) svg, dot or html; default from -o's extension, else svg
  -o, --output FILE (graph) write to FILE instead of standard output
`;

async function snapshot(): Promise<Snapshot> {
  return readSnapshot(await listContainers());
}

function resolveAll(args: string[], s: Snapshot): Target[] {
  const alive = new Set(s.processes.map((p) => p.pid));
  // A PID we could not read (another PID namespace's view, no permission) is "no such process"
  // to us unless /proc still has it, in which case the problem is access.
  const exists = (pid: number) => {
    if (alive.has(pid)) return true;
    if (existsSync(`/proc/${pid}`)) throw new UserError(`cannot read the namespaces of process ${pid}: permission denied`);
    return false;
  };
  return args.map((a) => resolveTarget(a, s.containers, exists));
}

async function showTargets(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean" } } });
  const s = await snapshot();
  const args = positionals.length ? positionals : [String(s.processes.some((p) => p.pid === process.ppid) ? process.ppid : process.pid)];
  const rows = listNamespaces(s);
  const views = resolveAll(args, s).map((t) => describeTarget(s, t, rows));
  const comparison = views.length > 1 ? compareTargets(views) : undefined;
  if (values.json) {
    console.log(JSON.stringify(targetsJson(views, comparison), null, 2));
    return 0;
  }
  const out: string[] = [];
  for (const v of views) out.push(...formatTargetView(v), "");
  if (comparison) out.push(...formatComparison(views, comparison));
  console.log(out.join("\n").trimEnd());
  return 0;
}

async function showList(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: "boolean" }, type: { type: "string", short: "t" } },
  });
  if (positionals.length) throw new UserError(`ns ls takes no arguments (got '${positionals[0]}')`);
  if (values.type !== undefined && !isNsType(values.type)) {
    throw new UserError(`unknown namespace type '${values.type}' (expected one of ${NS_TYPES.join(", ")})`);
  }
  const rows = listNamespaces(await snapshot()).filter((r) => !values.type || r.type === values.type);
  if (values.json) console.log(JSON.stringify(namespaceListJson(rows), null, 2));
  else console.log(formatNamespaceList(rows, process.stdout.isTTY ? process.stdout.columns : undefined).join("\n"));
  return 0;
}

async function showGraph(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { format: { type: "string" }, output: { type: "string", short: "o" } },
  });
  const format = values.format ?? (/\.(svg|dot|html)$/.exec(values.output ?? "")?.[1] ?? "svg");
  if (!["svg", "dot", "html"].includes(format)) throw new UserError(`unknown graph format '${format}' (expected svg, dot or html)`);
  const s = await snapshot();
  const targets = resolveAll(positionals, s);
  const { buildGraph } = await import("../../ns/graph-model.ts");
  const model = buildGraph(s, targets);
  const render =
    format === "dot" ? (await import("../../ns/render-dot.ts")).renderDot
    : format === "html" ? (await import("../../ns/render-html.ts")).renderHtml
    : (await import("../../ns/render-svg.ts")).renderSvg;
  const text = render(model);
  if (values.output) {
    try {
      writeFileSync(values.output, text);
    } catch (err) {
      throw new UserError(`cannot write ${values.output}: ${(err as Error).message}`);
    }
  } else process.stdout.write(text);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    if (argv[0] === "ls") return await showList(argv.slice(1));
    if (argv[0] === "graph") return await showGraph(argv.slice(1));
    return await showTargets(argv);
  } catch (err) {
    // parseArgs reports unknown options with a TypeError carrying a code; make it one line.
    const code = (err as { code?: string }).code;
    if (code?.startsWith("ERR_PARSE_ARGS")) throw new UserError(`ns: ${(err as Error).message.split(". ")[0]}`);
    throw err;
  }
}
