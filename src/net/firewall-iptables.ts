// The same rules as ruleset.ts, for hosts without nft: `iptables-restore --noflush` input (pure
// renderers) and the calls that apply it. Semantics match the nft table; the differences are
// iptables' own: no sets (one rule per bridge, or per pair of bridges for isolation), jumps from
// the built-in chains that must exist exactly once (found with one `iptables-save`), and port
// rules deleted by their full spec instead of a handle.
import { UserError } from "../common/errors.ts";
import { execSync, firstError } from "./exec.ts";
import { formatBinding } from "./ports.ts";
import type { RulePort, RuleState } from "./ruleset.ts";

const q = (s: string) => JSON.stringify(s);

interface Jump {
  table: "nat" | "filter" | "raw";
  from: string;
  to: string; // suffix of our chain
}
const JUMPS: Jump[] = [
  { table: "nat", from: "PREROUTING", to: "PRE" },
  { table: "nat", from: "OUTPUT", to: "OUT" },
  { table: "nat", from: "POSTROUTING", to: "POST" },
  { table: "filter", from: "FORWARD", to: "FWD" },
  { table: "raw", from: "PREROUTING", to: "GUARD" },
];
const CHAINS: Record<Jump["table"], string[]> = { nat: ["PUB", "PRE", "OUT", "POST", "MASQ"], filter: ["FWD"], raw: ["GUARD"] };

/** Chain-name prefix for a root: NSBOX, or NSBOX_AB12 for the nft table nsbox_ab12. */
export function chainPrefix(table: string): string {
  return table.toUpperCase();
}

export function portRuleSpec(prefix: string, p: RulePort): string {
  const dst = p.hostIp ? `-d ${p.hostIp}/32 ` : "";
  return `${prefix}-PUB ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -m comment --comment ${q(`${p.container.slice(0, 12)} ${formatBinding(p)}`)} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`;
}

/** "table:-A FROM -j TO" lines of the jumps that exist, from `iptables-save` output. */
export function existingJumps(save: string): Set<string> {
  const out = new Set<string>();
  let table = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1);
    else if (/^-A \S+ -j \S+$/.test(line)) out.add(`${table}:${line}`);
  }
  return out;
}

export function renderIptables(st: RuleState, jumps: Set<string>): string {
  const P = chainPrefix(st.table);
  const nets = st.networks;
  const out: string[] = [];
  for (const table of ["nat", "filter", "raw"] as const) {
    out.push(`*${table}`);
    const mine = JUMPS.filter((j) => j.table === table);
    if (nets.length === 0) {
      // Remove everything: the jumps first, then our chains.
      for (const j of mine) if (jumps.has(`${table}:-A ${j.from} -j ${P}-${j.to}`)) out.push(`-D ${j.from} -j ${P}-${j.to}`);
      for (const c of CHAINS[table]) out.push(`:${P}-${c} - [0:0]`); // flushed: no references left
      for (const c of CHAINS[table]) out.push(`-X ${P}-${c}`);
      out.push("COMMIT");
      continue;
    }
    for (const c of CHAINS[table]) out.push(`:${P}-${c} - [0:0]`); // declared = created or flushed
    for (const j of mine) if (!jumps.has(`${table}:-A ${j.from} -j ${P}-${j.to}`)) out.push(`-I ${j.from} 1 -j ${P}-${j.to}`);
    if (table === "nat") {
      for (const p of st.ports) out.push(`-A ${portRuleSpec(P, p)}`);
      out.push(`-A ${P}-PRE -m addrtype --dst-type LOCAL -j ${P}-PUB`, `-A ${P}-OUT -m addrtype --dst-type LOCAL -j ${P}-PUB`);
      for (const n of nets) {
        out.push(`-A ${P}-POST -o ${n.bridge} -s 127.0.0.0/8 -j MASQUERADE`);
        for (const m of nets) out.push(`-A ${P}-POST -o ${n.bridge} -s ${m.subnet} -m conntrack --ctstate DNAT -j MASQUERADE`);
      }
      // Outbound: masquerade unless the packet goes to one of our bridges.
      for (const n of nets.filter((n) => !n.internal)) out.push(`-A ${P}-POST -s ${n.subnet} -m comment --comment ${q(`outbound ${n.name}`)} -j ${P}-MASQ`);
      for (const n of nets) out.push(`-A ${P}-MASQ -o ${n.bridge} -j RETURN`);
      out.push(`-A ${P}-MASQ -j MASQUERADE`);
    } else if (table === "filter") {
      for (const n of nets) out.push(`-A ${P}-FWD -i ${n.bridge} -o ${n.bridge} -j ACCEPT`);
      for (const n of nets.filter((n) => n.internal)) out.push(`-A ${P}-FWD -i ${n.bridge} -j DROP`, `-A ${P}-FWD -o ${n.bridge} -j DROP`);
      out.push(`-A ${P}-FWD -m conntrack --ctstate DNAT -j ACCEPT`);
      for (const a of nets) for (const b of nets) if (a !== b) out.push(`-A ${P}-FWD -i ${a.bridge} -o ${b.bridge} -j DROP`);
    } else {
      for (const n of nets) out.push(`-A ${P}-GUARD -i ${n.bridge} -d 127.0.0.0/8 -j DROP`);
      out.push(`-A ${P}-GUARD -i lo -j RETURN`);
      for (const n of nets.filter((n) => n.resolver)) {
        for (const proto of ["udp", "tcp"]) out.push(`-A ${P}-GUARD ! -i ${n.bridge} -d ${n.gateway}/32 -p ${proto} -m ${proto} --dport 53 -j DROP`);
      }
    }
    out.push("COMMIT");
  }
  return out.join("\n") + "\n";
}

function restore(text: string): void {
  const r = execSync(["iptables-restore", "--noflush", "-w"], text);
  if (r.code !== 0) throw new UserError(`iptables-restore rejected nsbox's rules: ${firstError(r)}`);
}

export function applyIptables(st: RuleState): void {
  const save = execSync(["iptables-save"]);
  if (save.code !== 0) throw new UserError(`cannot run iptables-save: ${firstError(save)}`);
  restore(renderIptables(st, existingJumps(save.stdout)));
}

export function addIptablesPorts(table: string, ports: RulePort[]): boolean {
  const r = execSync(["iptables-restore", "--noflush", "-w"], `*nat\n${ports.map((p) => `-A ${portRuleSpec(chainPrefix(table), p)}`).join("\n")}\nCOMMIT\n`);
  return r.code === 0;
}

export function removeIptablesPorts(table: string, ports: RulePort[]): boolean {
  const r = execSync(["iptables-restore", "--noflush", "-w"], `*nat\n${ports.map((p) => `-D ${portRuleSpec(chainPrefix(table), p)}`).join("\n")}\nCOMMIT\n`);
  return r.code === 0;
}
