// IPv4 addresses and subnets as plain numbers (pure; no kernel access). Addresses are unsigned
// 32-bit integers so subnet math is arithmetic, not string juggling.
import { UserError } from "../common/errors.ts";

export interface Subnet {
  base: number; // network address
  prefix: number; // 0..32
}

export function parseIp(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.1.0.0/16" → Subnet; host bits set ("10.1.2.3/16") is an error, as docker says. */
export function parseSubnet(text: string, what = "subnet"): Subnet {
  const [ip, len, extra] = text.split("/");
  const base = parseIp(ip ?? "");
  const prefix = Number(len);
  if (base === undefined || extra !== undefined || !/^\d{1,2}$/.test(len ?? "") || prefix > 32) {
    throw new UserError(`invalid ${what} ${JSON.stringify(text)}: expected an IPv4 CIDR such as 10.1.0.0/16`);
  }
  if ((base & mask(prefix)) >>> 0 !== base) {
    throw new UserError(`invalid ${what} ${text}: host bits are set (did you mean ${formatSubnet({ base: (base & mask(prefix)) >>> 0, prefix })}?)`);
  }
  if (prefix > 30) throw new UserError(`invalid ${what} ${text}: a /${prefix} has no room for a gateway and a container`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIp(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, ip: number): boolean {
  return (ip & mask(s.prefix)) >>> 0 === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0;
}

export function broadcast(s: Subnet): number {
  return (s.base | ~mask(s.prefix)) >>> 0;
}

/** First and last address a host may use (no network or broadcast address). */
export function hostRange(s: Subnet): [number, number] {
  return [s.base + 1, broadcast(s) - 1];
}

/** Routes of the main IPv4 table from /proc/net/route text (little-endian hex columns). */
export function parseProcRoutes(text: string): Subnet[] {
  const le = (hex: string) => {
    const n = parseInt(hex, 16);
    return (((n & 255) << 24) >>> 0) + (((n >>> 8) & 255) << 16) + (((n >>> 16) & 255) << 8) + ((n >>> 24) & 255);
  };
  const out: Subnet[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    out.push({ base: le(f[1]!), prefix: popcount(le(f[7]!)) });
  }
  return out;
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v; v >>>= 1) c += v & 1;
  return c;
}

/** Candidate pools, docker's order: 172.17-31.0.0/16, then 192.168.N.0/20 (N = 0, 16, ... 240). */
export function defaultPool(): Subnet[] {
  const out: Subnet[] = [];
  for (let b = 17; b <= 31; b++) out.push({ base: parseIp(`172.${b}.0.0`)!, prefix: 16 });
  for (let c = 0; c < 256; c += 16) out.push({ base: parseIp(`192.168.${c}.0`)!, prefix: 20 });
  return out;
}

/** The first pool subnet that overlaps no route (default route excluded) and no taken subnet. */
export function pickSubnet(pool: Subnet[], routes: Subnet[], taken: Subnet[]): Subnet | undefined {
  const busy = [...routes.filter((r) => r.prefix > 0), ...taken];
  return pool.find((s) => !busy.some((b) => overlaps(s, b)));
}
