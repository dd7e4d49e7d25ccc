// Address management (pure): the lowest free host address of a subnet, a requested address
// checked, and a MAC derived from the address (docker's 02:42:a.b.c.d scheme) so a reused address
// keeps its MAC and neighbours' ARP caches stay right.
import { UserError } from "../common/errors.ts";
import { contains, formatIp, hostRange, parseIp, parseSubnet } from "./ipv4.ts";

export function pickIp(subnet: string, gateway: string, leased: string[], requested?: string): string {
  const s = parseSubnet(subnet);
  const taken = new Set([gateway, ...leased]);
  const [lo, hi] = hostRange(s);
  if (requested !== undefined) {
    const n = parseIp(requested);
    if (n === undefined) throw new UserError(`invalid IP address ${JSON.stringify(requested)}`);
    if (!contains(s, n) || n < lo || n > hi) throw new UserError(`address ${requested} is not a host address of subnet ${subnet}`);
    if (taken.has(requested)) throw new UserError(`address ${requested} is already in use on this network`);
    return requested;
  }
  for (let n = lo; n <= hi; n++) {
    const ip = formatIp(n);
    if (!taken.has(ip)) return ip;
  }
  throw new UserError(`no free address left in subnet ${subnet}`);
}

export function macFor(ip: string): string {
  return ["02", "42", ...ip.split(".").map((p) => Number(p).toString(16).padStart(2, "0"))].join(":");
}
