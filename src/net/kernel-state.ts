// Bringing the kernel in line with the store: the firewall rules (nft: one atomic `nft -f -`;
// without nft, iptables-restore, see firewall-iptables.ts) and
// net.ipv4.ip_forward (on only while a network that may reach outside exists; the value found
// before is put back when the last one goes). Called with the store's write lock held.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import type { NetContext } from "./context.ts";
import { execSync, firstError } from "./exec.ts";
import { addIptablesPorts, applyIptables, removeIptablesPorts } from "./firewall-iptables.ts";
import { linkExists } from "./links.ts";
import { portRule, renderRuleset } from "./ruleset.ts";
import type { PortRow } from "./store.ts";

/** Replaces all of nsbox's rules with what the store says (port rule handles become unknown). */
export function applyRules(ctx: NetContext): void {
  const networks = ctx.store.networks().map((n) => ({ name: n.name, bridge: n.bridge, subnet: n.subnet, gateway: n.gateway, internal: n.internal, resolver: !n.isDefault }));
  const state = { table: ctx.names.table, networks, ports: ctx.store.ports() };
  if (ctx.firewall === "iptables") applyIptables(state);
  else {
    const r = execSync(["nft", "-f", "-"], renderRuleset(state));
    if (r.code !== 0) throw new UserError(`nft rejected nsbox's rules: ${firstError(r)}`);
  }
  ctx.store.forgetRuleHandles();
  applyIpForward(ctx, networks.some((n) => !n.internal && linkExists(n.bridge)));
}

/** Adds the DNAT rules of new port rows (already in the store) and records their nft handles;
 * falls back to a full rebuild if our rules are not what we expect (flushed by someone, say). */
export function addPortRules(ctx: NetContext, rows: PortRow[]): void {
  if (ctx.firewall === "iptables") {
    if (addIptablesPorts(ctx.names.table, rows)) rows.forEach((p) => ctx.store.setRuleHandle(p, -1)); // -1: delete by spec
    else applyRules(ctx);
    return;
  }
  const t = ctx.names.table;
  const r = execSync(["nft", "--echo", "--handle", "-f", "-"], rows.map((p) => `add rule ip ${t} published ${portRule(p)}\n`).join(""));
  const handles = [...r.stdout.matchAll(/^add rule .* # handle (\d+)$/gm)].map((m) => Number(m[1]));
  if (r.code !== 0 || handles.length !== rows.length) return applyRules(ctx);
  rows.forEach((p, i) => ctx.store.setRuleHandle(p, handles[i]!));
}

/** Deletes the DNAT rules of port rows already removed from the store, by handle when known. */
export function removePortRules(ctx: NetContext, rows: PortRow[]): void {
  if (rows.length === 0) return;
  if (ctx.firewall === "iptables") {
    if (rows.some((p) => !p.ruleHandle) || !removeIptablesPorts(ctx.names.table, rows)) applyRules(ctx);
    return;
  }
  if (rows.some((p) => !p.ruleHandle)) return applyRules(ctx);
  const r = execSync(["nft", "-f", "-"], rows.map((p) => `delete rule ip ${ctx.names.table} published handle ${p.ruleHandle}\n`).join(""));
  if (r.code !== 0) applyRules(ctx);
}

const FORWARD = "/proc/sys/net/ipv4/ip_forward";

/** Every root's bridge names start with "nsb" (nsbox0, nsbr-..., nsb<tag>...). */
function anyNsboxBridge(): boolean {
  return readdirSync("/sys/class/net").some((n) => n.startsWith("nsb") && existsSync(`/sys/class/net/${n}/bridge`));
}

function applyIpForward(ctx: NetContext, needed: boolean): void {
  const now = readFileSync(FORWARD, "latin1").trim();
  const before = ctx.store.meta("ip_forward_before");
  if (needed && now === "0") {
    writeFileSync(FORWARD, "1");
    ctx.store.setMeta("ip_forward_before", "0");
  } else if (!needed && before !== undefined) {
    // Put the old value back only when no nsbox bridge of any root is left: another root (tests
    // run side by side) may still route through this switch.
    if (now === "1" && !anyNsboxBridge()) writeFileSync(FORWARD, before);
    ctx.store.setMeta("ip_forward_before", undefined);
  }
}
