// The whole nftables table nsbox owns, rendered from the records (pure). Network changes and
// reconciliation replace the table in one atomic `nft -f -` transaction, so the kernel's rules are
// a function of the store and nothing is ever half-applied. Published ports alone are added and
// deleted rule by rule (kernel-state.ts), because a transaction that deletes anything waits for an
// RCU grace period (~12 ms here) and attach should not pay that. Chains:
//   nat prerouting/output → published (DNAT to containers for traffic to a local address)
//   nat postrouting       → masquerade: outbound from non-internal subnets, localhost and
//                           hairpin/cross-network clients of published ports
//   filter forward        → isolation between networks, --internal has no way out
//   filter prerouting     → containers may not use route_localnet to reach the host's 127/8;
//                           a network's resolver is for its own members only
import { formatBinding, type PortBinding } from "./ports.ts";

export interface RuleNetwork {
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  resolver: boolean; // an embedded DNS resolver listens on gateway:53
}

export interface RuleState {
  table: string;
  networks: RuleNetwork[];
  ports: RulePort[];
}

const q = (s: string) => JSON.stringify(s); // interface names and comments are quoted strings in nft

function set(items: string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(", ")} }`;
}

export type RulePort = PortBinding & { container: string };

/** One published port's DNAT rule (the body, without chain): shared by the full table and the
 * incremental `add rule` at attach. */
export function portRule(p: RulePort): string {
  const match = `${p.hostIp ? `ip daddr ${p.hostIp} ` : ""}${p.proto} dport ${p.hostPort}`;
  return `${match} dnat to ${p.containerIp}:${p.containerPort} comment ${q(`${p.container.slice(0, 12)} ${formatBinding(p)}`)}`;
}

export function renderRuleset(st: RuleState): string {
  const t = st.table;
  const bridges = st.networks.map((n) => q(n.bridge));
  const subnets = st.networks.map((n) => n.subnet);
  const lines: string[] = [
    // Create-then-delete makes the delete safe when the table does not exist yet.
    `table ip ${t} {}`,
    `delete table ip ${t}`,
  ];
  if (st.networks.length === 0) return lines.join("\n") + "\n";
  lines.push(`table ip ${t} {`);

  lines.push(`  chain published {`);
  for (const p of st.ports) lines.push(`    ${portRule(p)}`);
  lines.push(`  }`);
  lines.push(`  chain prerouting { type nat hook prerouting priority dstnat; policy accept;`, `    fib daddr type local jump published`, `  }`);
  lines.push(`  chain output { type nat hook output priority -100; policy accept;`, `    fib daddr type local jump published`, `  }`);

  lines.push(`  chain postrouting { type nat hook postrouting priority srcnat; policy accept;`);
  // A host process reaching 127.0.0.1:PORT leaves with source 127.0.0.1 (route_localnet on the
  // bridge lets it out); the container could not answer that, so it gets the gateway address.
  lines.push(`    oifname ${set(bridges)} ip saddr 127.0.0.0/8 masquerade`);
  // A container reaching a published port through a host address (hairpin, or from another
  // network) must see the reply come back through the host, so it is masqueraded too.
  lines.push(`    oifname ${set(bridges)} ct status dnat ip saddr ${set(subnets)} masquerade`);
  for (const n of st.networks.filter((n) => !n.internal)) {
    lines.push(`    ip saddr ${n.subnet} oifname != ${set(bridges)} masquerade comment ${q(`outbound ${n.name}`)}`);
  }
  lines.push(`  }`);

  lines.push(`  chain forward { type filter hook forward priority filter; policy accept;`);
  for (const n of st.networks) lines.push(`    iifname ${q(n.bridge)} oifname ${q(n.bridge)} accept`);
  for (const n of st.networks.filter((n) => n.internal)) {
    lines.push(`    iifname ${q(n.bridge)} drop comment ${q(`internal ${n.name}`)}`, `    oifname ${q(n.bridge)} drop comment ${q(`internal ${n.name}`)}`);
  }
  lines.push(`    ct status dnat accept comment "published ports"`);
  if (bridges.length > 1) lines.push(`    iifname ${set(bridges)} oifname ${set(bridges)} drop comment "isolation between networks"`);
  lines.push(`  }`);

  lines.push(`  chain guard { type filter hook prerouting priority raw; policy accept;`);
  lines.push(`    iifname ${set(bridges)} ip daddr 127.0.0.0/8 drop`);
  // A network's resolver answers its own members (and the host) only: not other networks, not
  // other machines (it must never become an open resolver).
  for (const n of st.networks.filter((n) => n.resolver)) {
    lines.push(`    iifname != { "lo", ${q(n.bridge)} } ip daddr ${n.gateway} meta l4proto { tcp, udp } th dport 53 drop comment ${q(`resolver ${n.name}`)}`);
  }
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join("\n") + "\n";
}
