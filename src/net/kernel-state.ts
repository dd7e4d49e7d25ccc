// Bringing the kernel in line with the store: the nftables table (one atomic `nft -f -`) and
// net.ipv4.ip_forward (on only while a network that may reach outside exists; the value found
// before is put back when the last one goes). Called with the store's write lock held.
import { readFileSync, writeFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import type { NetContext } from "./context.ts";
import { execSync, firstError } from "./exec.ts";
import { renderRuleset } from "./ruleset.ts";

export function applyRules(ctx: NetContext): void {
  const networks = ctx.store.networks().map((n) => ({ name: n.name, bridge: n.bridge, subnet: n.subnet, gateway: n.gateway, internal: n.internal, resolver: !n.isDefault }));
  const text = renderRuleset({ table: ctx.names.table, networks, ports: ctx.store.ports() });
  const r = execSync(["nft", "-f", "-"], text);
  if (r.code !== 0) throw new UserError(`nft rejected nsbox's rules: ${firstError(r)}`);
  applyIpForward(ctx, networks.some((n) => !n.internal));
}

const FORWARD = "/proc/sys/net/ipv4/ip_forward";

function applyIpForward(ctx: NetContext, needed: boolean): void {
  const now = readFileSync(FORWARD, "latin1").trim();
  const before = ctx.store.meta("ip_forward_before");
  if (needed && now === "0") {
    writeFileSync(FORWARD, "1");
    ctx.store.setMeta("ip_forward_before", "0");
  } else if (!needed && before !== undefined) {
    if (now === "1") writeFileSync(FORWARD, before);
    ctx.store.setMeta("ip_forward_before", undefined);
  }
}
