// Which host ports are taken: by a socket of the host, found by trying to bind the address and
// port for an instant (a DNAT rule would silently shadow a host listener, so a port in use is
// refused with a clear error, as docker does), or by another container's published port. Binding
// costs ~0.1 ms; reading /proc/net/tcp costs ~5 ms here (the kernel walks its whole hash table),
// so /proc is only parsed by tools and tests, not on the attach path.
import { readFileSync } from "node:fs";
import type { Proto } from "./ports.ts";

/** True when the host could bind `hostIp:port` ("" = every address) right now. */
export async function hostPortFree(proto: Proto, hostIp: string, port: number): Promise<boolean> {
  const hostname = hostIp || "0.0.0.0";
  try {
    if (proto === "tcp") Bun.listen({ hostname, port, socket: { data() {} } }).stop(true);
    else (await Bun.udpSocket({ hostname, port })).close();
    return true;
  } catch {
    return false;
  }
}

export interface Listener {
  ip: string; // "0.0.0.0" / "::" for any
  port: number;
}

/** Listening TCP sockets (state 0A) or bound UDP sockets from /proc/net/{tcp,udp}{,6} text. */
export function parseProcSockets(text: string, proto: Proto, v6: boolean): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    if (proto === "tcp" && f[3] !== "0A") continue;
    const [addr, port] = f[1]!.split(":") as [string, string];
    let ip: string;
    if (v6) ip = /^0+$/.test(addr) ? "::" : addr.startsWith("0000000000000000FFFF0000") ? hexV4(addr.slice(24)) : "v6";
    else ip = hexV4(addr);
    out.push({ ip, port: parseInt(port, 16) });
  }
  return out;
}

function hexV4(le: string): string {
  const n = parseInt(le, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join(".");
}

/** Host listeners from /proc (diagnostics and tests; see above for why not on the attach path). */
export function hostListeners(proto: Proto): Listener[] {
  const read = (f: string) => {
    try {
      return readFileSync(f, "latin1");
    } catch {
      return "";
    }
  };
  return [...parseProcSockets(read(`/proc/net/${proto}`), proto, false), ...parseProcSockets(read(`/proc/net/${proto}6`), proto, true)];
}

/** True when a host socket would be shadowed by publishing `hostIp:port` ("" = any address). */
export function listenerClash(listeners: Listener[], hostIp: string, port: number): boolean {
  return listeners.some((l) => l.port === port && l.ip !== "v6" && (hostIp === "" || l.ip === "0.0.0.0" || l.ip === "::" || l.ip === hostIp));
}

export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "latin1").trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch {}
  return [32768, 60999];
}
