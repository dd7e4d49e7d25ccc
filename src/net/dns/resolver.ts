// What the embedded resolver answers (no sockets here; server.ts has those). Members of the
// network by name, alias, short id or NAME.NETWORK (A), and their addresses back to names (PTR),
// read from the store at query time; other names forwarded to the asking container's --dns
// servers or the host's, except on an --internal network, where they are refused: no way out.
import { readFileSync } from "node:fs";
import { parseResolvConf } from "../files.ts";
import type { NetStore, NetworkRow } from "../store.ts";
import { aRecord, buildResponse, parseQuery, ptrRecord, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_REFUSED, RCODE_SERVFAIL, TYPE_A, TYPE_PTR, type DnsRecord, type Question } from "./packet.ts";
import { contains, parseIp, parseSubnet } from "../ipv4.ts";

export type Forwarder = (query: Uint8Array, upstreams: string[]) => Promise<Uint8Array | undefined>;

export class Resolver {
  private readonly suffix: string;

  constructor(
    private readonly store: NetStore,
    private readonly network: NetworkRow,
    private readonly forward: Forwarder,
  ) {
    this.suffix = `.${network.name.toLowerCase()}`;
  }

  /** The reply to a packet from `from` (a container's address), or undefined to stay silent. */
  async answer(query: Uint8Array, from: string): Promise<Uint8Array | undefined> {
    const q = parseQuery(query);
    if (!q) return undefined;
    const local = q.klass === 1 ? this.local(q) : undefined;
    if (local) return buildResponse(query, q, RCODE_NOERROR, local);
    if (this.network.internal) return buildResponse(query, q, q.name.includes(".") ? RCODE_REFUSED : RCODE_NXDOMAIN);
    const asker = this.store.nameOf(this.network.id, from);
    const upstreams = asker?.dns.length ? asker.dns : hostUpstreams();
    if (!q.name.includes(".") || upstreams.length === 0 || this.ownReverse(q.name)) return buildResponse(query, q, RCODE_NXDOMAIN);
    return (await this.forward(query, upstreams)) ?? buildResponse(query, q, RCODE_SERVFAIL);
  }

  /** Records for a member; an empty list (NOERROR, no data) for a member asked another type. */
  private local(q: Question): DnsRecord[] | undefined {
    if (q.type === TYPE_PTR) {
      const ip = reverseIp(q.name);
      const e = ip ? this.store.nameOf(this.network.id, ip) : undefined;
      return e ? [ptrRecord(`${e.name || e.container.slice(0, 12)}.${this.network.name}`)] : undefined;
    }
    let name = q.name;
    if (name.endsWith(this.suffix)) name = name.slice(0, -this.suffix.length);
    if (!name || name.includes(".")) return undefined;
    const ips = this.store.resolve(this.network.id, name);
    if (!ips.length) return undefined;
    return q.type === TYPE_A ? ips.map(aRecord) : [];
  }

  /** A reverse name inside this network's subnet: ours to answer, never to forward. */
  private ownReverse(name: string): boolean {
    const ip = reverseIp(name);
    return ip !== undefined && contains(parseSubnet(this.network.subnet), parseIp(ip)!);
  }
}

/** "4.3.2.1.in-addr.arpa" → "1.2.3.4". */
export function reverseIp(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
  if (!m) return undefined;
  const ip = [m[4], m[3], m[2], m[1]].join(".");
  return parseIp(ip) === undefined ? undefined : ip;
}

function hostUpstreams(): string[] {
  try {
    return parseResolvConf(readFileSync("/etc/resolv.conf", "utf8")).nameservers.filter((s) => parseIp(s) !== undefined);
  } catch {
    return [];
  }
}
