// `nsbox network SUBCOMMAND`: create, ls, inspect, rm, prune, connect, disconnect (docker's), plus
// reconcile (clean up what a crash left). The work is in src/net; this file only parses and prints.
import { printErr } from "../../common/output.ts";
import { confirm } from "../../common/confirm.ts";
import { labelMap } from "../../common/labels.ts";
import { UserError } from "../../common/errors.ts";
import { pruneFilter } from "../../common/filters.ts";
import { help, parseFlags } from "../../image/cli/common.ts";
import { goTemplate, table } from "../../image/cli/format.ts";
import { byName, lsFields, lsTableRows, networkLsFilter } from "../../net/ls-format.ts";
import { isPredefined, Networking } from "../../net/index.ts";

export const summary = "Manage networks (create, ls, inspect, rm, prune, connect, disconnect, reconcile)";

const subcommands: Record<string, [string, (argv: string[]) => Promise<number>]> = {
  create: ["Create a network", create],
  ls: ["List networks", ls],
  inspect: ["Display detailed information on one or more networks", inspect],
  rm: ["Remove one or more networks", rm],
  prune: ["Remove all unused networks", prune],
  connect: ["Connect a container to a network", connect],
  disconnect: ["Disconnect a container from a network", disconnect],
  reconcile: ["Remove what an interrupted nsbox left behind (links, rules, leases)", reconcile],
};
const aliases: Record<string, string> = { list: "ls", remove: "rm" };

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  // The resolver process, when nsbox runs as the compiled binary (src/net/dns/daemon.ts).
  if (sub === "__dns-serve") return (await import("../../net/dns/server.ts")).serve(rest).then(() => new Promise<number>(() => {}));
  const cmd = sub ? subcommands[aliases[sub] ?? sub] : undefined;
  if (cmd) return cmd[1](rest);
  if (!sub || sub === "--help" || sub === "-h") {
    console.log(["Usage:  nsbox network COMMAND", "", summary, "", "Commands:", ...Object.entries(subcommands).map(([n, [s]]) => `  ${n.padEnd(11)}${s}`)].join("\n"));
    return sub ? 0 : 1;
  }
  throw new UserError(`'network ${sub}' is not a nsbox command. See 'nsbox network --help'`, 125);
}

function open(values: { root?: string }): Networking {
  return Networking.open({ root: values.root });
}

async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    subnet: { type: "string" }, gateway: { type: "string" }, internal: { type: "boolean" }, driver: { type: "string", short: "d" }, label: { type: "string", multiple: true },
  });
  if (values.help) return console.log(help("network create [OPTIONS] NETWORK", "Create a network", ["-d, --driver string    only \"bridge\"", "    --gateway string   IPv4 gateway for the subnet", "    --internal         no access to or from outside the network", "    --label list       metadata", "    --subnet string    subnet in CIDR format"])), 0;
  if (positionals.length !== 1) throw new UserError('"network create" requires exactly 1 argument', 125);
  if (values.driver && values.driver !== "bridge") throw new UserError(`network driver ${values.driver} is not supported (only bridge)`, 125);
  const labels = labelMap(values.label ?? []);
  const n = open(values).createNetwork({ name: positionals[0]!, subnet: values.subnet, gateway: values.gateway, internal: values.internal, labels });
  console.log(n.id);
  return 0;
}

async function ls(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { quiet: { type: "boolean", short: "q" }, format: { type: "string" }, "no-trunc": { type: "boolean" }, filter: { type: "string", short: "f", multiple: true } });
  if (values.help) return console.log(help("network ls [OPTIONS]", "List networks", ["-f, --filter filter   dangling=, driver=, id=, label=, name=, scope=, type=custom|builtin", "    --format string   Go template: .ID .Name .Driver .Scope .IPv6 .Internal .Labels .CreatedAt (.Subnet)", "    --no-trunc        full ids", "-q, --quiet           only ids"])), 0;
  const keep = networkLsFilter(values.filter ?? [], (msg) => new UserError(msg, 125));
  const net = open(values);
  const rows = net.listAllNetworks().filter((row) => keep({ row, containers: net.ctx.store.endpoints({ network: row.id }).length })).sort(byName);
  const noTrunc = !!values["no-trunc"];
  if (values.quiet) for (const r of rows) console.log(lsFields(r, noTrunc).ID);
  else if (values.format) for (const r of rows) console.log(goTemplate(values.format, lsFields(r, noTrunc)));
  else console.log(table(lsTableRows(rows, noTrunc), 10));
  return 0;
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { format: { type: "string", short: "f" } });
  if (values.help) return console.log(help("network inspect [OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks", ["-f, --format string   Go template"])), 0;
  if (!positionals.length) throw new UserError('"network inspect" requires at least 1 argument', 125);
  const net = open(values);
  const out = [];
  let missing = 0;
  for (const name of positionals) {
    try {
      const n = net.anyNetwork(name);
      out.push(isPredefined(n) ? net.inspectPredefined(n, await modeContainers(values.root, n.name)) : net.inspectNetwork(n.id));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: ${err.message}`);
      missing++;
    }
  }
  if (values.format) for (const o of out) console.log(goTemplate(values.format, o));
  else console.log(JSON.stringify(out, null, 4));
  return missing ? 1 : 0;
}

/** The running containers with --net host (or none), which docker lists under that network. */
async function modeContainers(root: string | undefined, mode: string): Promise<Record<string, { Name: string }>> {
  const { Engine } = await import("../../engine/engine.ts");
  const engine = Engine.open({ root });
  try {
    return Object.fromEntries(engine.list().filter((c) => c.HostConfig.NetworkMode === mode).map((c) => [c.Id, { Name: c.Name.slice(1) }]));
  } finally {
    engine.close();
  }
}

async function rm(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { force: { type: "boolean", short: "f" } });
  if (values.help) return console.log(help("network rm NETWORK [NETWORK...]", "Remove one or more networks", ["-f, --force   no error if the network does not exist"])), 0;
  if (!positionals.length) throw new UserError('"network rm" requires at least 1 argument', 125);
  const net = open(values);
  let failed = 0;
  for (const name of positionals) {
    try {
      await net.removeNetwork(name);
      console.log(name);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      if (values.force && / not found$/.test(err.message)) continue;
      printErr(`nsbox: ${err.message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

/** docker's `network prune [-f] [--filter label=…|label!=…|until=…]`: user networks with no container. */
async function prune(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { force: { type: "boolean", short: "f" }, filter: { type: "string", multiple: true } });
  if (values.help) return console.log(help("network prune [OPTIONS]", "Remove all unused networks", ["    --filter filter   label=K[=V], label!=K[=V], until=TIMESTAMP|DURATION", "-f, --force           do not prompt for confirmation"])), 0;
  const selected = pruneFilter(values.filter ?? []);
  // docker cancels silently with exit 0 ("network prune has been cancelled" is a Cancelled error).
  if (!values.force && !confirm("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?")) return 0;
  const removed = await open(values).pruneNetworks((row) => selected(row.labels, row.created));
  if (removed.length) console.log(["Deleted Networks:", ...removed, ""].join("\n"));
  return 0;
}

/** The container as networking knows it: a full id, a unique id prefix, or its DNS name. */
function containerId(net: Networking, ref: string): string {
  const ids = new Set(net.ctx.store.endpoints().filter((e) => e.container === ref || e.container.startsWith(ref) || e.name === ref).map((e) => e.container));
  if (ids.size !== 1) throw new UserError(ids.size ? `container reference ${ref} is ambiguous` : `no container ${ref} is attached to any network`);
  return [...ids][0]!;
}

async function connect(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ip: { type: "string" }, alias: { type: "string", multiple: true } });
  if (values.help) return console.log(help("network connect [OPTIONS] NETWORK CONTAINER", "Connect a container to a network", ["    --alias strings   network-scoped alias", "    --ip string       IPv4 address"])), 0;
  if (positionals.length !== 2) throw new UserError('"network connect" requires exactly 2 arguments', 125);
  const net = open(values);
  await net.connect(containerId(net, positionals[1]!), { network: positionals[0]!, ip: values.ip, aliases: values.alias });
  return 0;
}

async function disconnect(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { force: { type: "boolean", short: "f" } });
  if (values.help) return console.log(help("network disconnect [OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network", ["-f, --force   no error if not connected"])), 0;
  if (positionals.length !== 2) throw new UserError('"network disconnect" requires exactly 2 arguments', 125);
  const net = open(values);
  const id = containerId(net, positionals[1]!);
  const network = net.network(positionals[0]!);
  if (!values.force && !net.ctx.store.endpoints({ container: id, network: network.id }).length) throw new UserError(`container ${positionals[1]} is not connected to network ${network.name}`);
  await net.detach(id, network.id);
  return 0;
}

async function reconcile(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {});
  if (values.help) return console.log(help("network reconcile", "Remove leftover links, rules and leases of containers whose network namespace is gone", [])), 0;
  const r = await open(values).reconcile();
  for (const e of r.endpoints) console.log(`released ${e.ip} on ${e.network} (container ${e.container.slice(0, 12)}: ${e.why})`);
  for (const l of r.links) console.log(`deleted link ${l}`);
  for (const b of r.bridgesRecreated) console.log(`recreated bridge ${b}`);
  if (r.resolverStopped) console.log("stopped the DNS resolver (no user network left)");
  return 0;
}
