// Networking records in SQLite (bun:sqlite): networks, endpoints (= leases: one address per
// container per network) and published ports. Why SQLite: several nsbox processes attach at once;
// UNIQUE(network, ip) plus BEGIN IMMEDIATE makes a duplicate address impossible, and a process
// killed mid-transaction leaves nothing half-written.
import type { Database } from "bun:sqlite";
import { openStore } from "../common/sqlite.ts";
import { mkdirSync } from "node:fs";
import type { PortBinding } from "./ports.ts";

export interface NetworkRow {
  id: string; // 64 hex, docker-style
  name: string;
  subnet: string; // "172.18.0.0/16"
  gateway: string;
  bridge: string; // kernel bridge device name
  internal: boolean;
  isDefault: boolean;
  created: number; // ms since epoch
  labels: Record<string, string>;
}

export type EndpointState = "creating" | "ready";

export interface EndpointRow {
  container: string;
  network: string; // network id
  ip: string;
  mac: string;
  veth: string; // host end
  ifname: string; // inside the container: eth0, eth1...
  netns: string; // path the engine gave
  netnsIno: number; // inode of that netns when attached (0 = not yet)
  name: string; // DNS name on the network ("" = none)
  aliases: string[];
  dns: string[]; // upstream servers the embedded resolver uses for this container
  state: EndpointState;
  ownerPid: number; // process doing the set-up, while state = creating
  ownerStart: number; // its start time (PID reuse)
  created: number;
}

export interface PortRow extends PortBinding {
  container: string;
  network: string;
  ruleHandle: number; // nft handle of its DNAT rule; 0 = unknown (the table was rebuilt)
}

const schema = `
CREATE TABLE IF NOT EXISTS networks(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, subnet TEXT NOT NULL,
  gateway TEXT NOT NULL, bridge TEXT NOT NULL UNIQUE, internal INTEGER NOT NULL, is_default INTEGER NOT NULL,
  created INTEGER NOT NULL, labels TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS endpoints(container TEXT NOT NULL, network TEXT NOT NULL, ip TEXT NOT NULL, mac TEXT NOT NULL,
  veth TEXT NOT NULL UNIQUE, ifname TEXT NOT NULL, netns TEXT NOT NULL, netns_ino INTEGER NOT NULL, name TEXT NOT NULL,
  aliases TEXT NOT NULL, dns TEXT NOT NULL, state TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_start INTEGER NOT NULL,
  created INTEGER NOT NULL, PRIMARY KEY(container, network), UNIQUE(network, ip));
CREATE TABLE IF NOT EXISTS ports(host_ip TEXT NOT NULL, proto TEXT NOT NULL, host_port INTEGER NOT NULL,
  container TEXT NOT NULL, network TEXT NOT NULL, container_ip TEXT NOT NULL, container_port INTEGER NOT NULL,
  rule_handle INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(host_ip, proto, host_port));
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const networkCols = "id, name, subnet, gateway, bridge, internal, is_default AS isDefault, created, labels";
const endpointCols =
  "container, network, ip, mac, veth, ifname, netns, netns_ino AS netnsIno, name, aliases, dns, state, owner_pid AS ownerPid, owner_start AS ownerStart, created";
const portCols = "host_ip AS hostIp, proto, host_port AS hostPort, container, network, container_ip AS containerIp, container_port AS containerPort, rule_handle AS ruleHandle";

function toNetwork(r: any): NetworkRow {
  return { ...r, internal: !!r.internal, isDefault: !!r.isDefault, labels: JSON.parse(r.labels) };
}
function toEndpoint(r: any): EndpointRow {
  return { ...r, aliases: JSON.parse(r.aliases), dns: JSON.parse(r.dns) };
}

export class NetStore {
  readonly db: Database;

  constructor(dir: string, readonly: boolean = false) {
    if (!readonly) mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.db = openStore(`${dir}/net.db`, { busyTimeoutMs: 15000, readonly });
    if (!readonly) {
      this.db.exec(schema);
      const cols = this.db.query("PRAGMA table_info(ports)").all() as { name: string }[];
      if (!cols.some((c) => c.name === "rule_handle")) this.db.exec("ALTER TABLE ports ADD COLUMN rule_handle INTEGER NOT NULL DEFAULT 0");
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE: the writer lock is taken up front). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // networks
  networks(): NetworkRow[] {
    return this.db.query(`SELECT ${networkCols} FROM networks ORDER BY created`).all().map(toNetwork);
  }
  network(nameOrId: string): NetworkRow | undefined {
    const exact = this.db.query(`SELECT ${networkCols} FROM networks WHERE name = ?1 OR id = ?1`).get(nameOrId);
    if (exact) return toNetwork(exact);
    if (!/^[0-9a-f]{3,63}$/.test(nameOrId)) return undefined;
    const rows = this.db.query(`SELECT ${networkCols} FROM networks WHERE id LIKE ?1`).all(`${nameOrId}%`);
    return rows.length === 1 ? toNetwork(rows[0]) : undefined;
  }
  insertNetwork(n: NetworkRow): void {
    this.db
      .query("INSERT INTO networks(id, name, subnet, gateway, bridge, internal, is_default, created, labels) VALUES (?,?,?,?,?,?,?,?,?)")
      .run(n.id, n.name, n.subnet, n.gateway, n.bridge, n.internal ? 1 : 0, n.isDefault ? 1 : 0, n.created, JSON.stringify(n.labels));
  }
  deleteNetwork(id: string): void {
    this.db.query("DELETE FROM networks WHERE id = ?").run(id);
  }

  // endpoints (leases)
  endpoints(where: { container?: string; network?: string } = {}): EndpointRow[] {
    const rows = this.db
      .query(`SELECT ${endpointCols} FROM endpoints WHERE (?1 IS NULL OR container = ?1) AND (?2 IS NULL OR network = ?2) ORDER BY created, ifname`)
      .all(where.container ?? null, where.network ?? null);
    return rows.map(toEndpoint);
  }
  leasedIps(network: string): string[] {
    return (this.db.query("SELECT ip FROM endpoints WHERE network = ?").all(network) as { ip: string }[]).map((r) => r.ip);
  }
  insertEndpoint(e: EndpointRow): void {
    this.db
      .query(
        "INSERT INTO endpoints(container, network, ip, mac, veth, ifname, netns, netns_ino, name, aliases, dns, state, owner_pid, owner_start, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      )
      .run(e.container, e.network, e.ip, e.mac, e.veth, e.ifname, e.netns, e.netnsIno, e.name, JSON.stringify(e.aliases), JSON.stringify(e.dns), e.state, e.ownerPid, e.ownerStart, e.created);
  }
  markReady(container: string, network: string, netnsIno: number): void {
    this.db.query("UPDATE endpoints SET state = 'ready', netns_ino = ?3, owner_pid = 0, owner_start = 0 WHERE container = ?1 AND network = ?2").run(container, network, netnsIno);
  }
  deleteEndpoint(container: string, network: string): void {
    this.db.query("DELETE FROM endpoints WHERE container = ? AND network = ?").run(container, network);
    this.db.query("DELETE FROM ports WHERE container = ? AND network = ?").run(container, network);
  }
  /** Ready endpoints on a network answering to `name` (container name or alias), for DNS. */
  resolve(network: string, name: string): string[] {
    const rows = this.db
      .query("SELECT ip FROM endpoints WHERE network = ?1 AND state = 'ready' AND (lower(name) = ?2 OR lower(substr(container, 1, 12)) = ?2 OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE lower(value) = ?2))")
      .all(network, name.toLowerCase()) as { ip: string }[];
    return rows.map((r) => r.ip);
  }
  /** The name of the ready endpoint holding `ip` on a network (reverse lookups). */
  nameOf(network: string, ip: string): EndpointRow | undefined {
    const r = this.db.query(`SELECT ${endpointCols} FROM endpoints WHERE network = ? AND ip = ? AND state = 'ready'`).get(network, ip);
    return r ? toEndpoint(r) : undefined;
  }

  // published ports
  ports(container?: string): PortRow[] {
    return this.db.query(`SELECT ${portCols} FROM ports WHERE (?1 IS NULL OR container = ?1) ORDER BY container_port, proto, host_ip`).all(container ?? null) as PortRow[];
  }
  insertPort(p: PortRow): void {
    this.db
      .query("INSERT INTO ports(host_ip, proto, host_port, container, network, container_ip, container_port, rule_handle) VALUES (?,?,?,?,?,?,?,?)")
      .run(p.hostIp, p.proto, p.hostPort, p.container, p.network, p.containerIp, p.containerPort, p.ruleHandle);
  }
  setRuleHandle(p: PortBinding, handle: number): void {
    this.db.query("UPDATE ports SET rule_handle = ? WHERE host_ip = ? AND proto = ? AND host_port = ?").run(handle, p.hostIp, p.proto, p.hostPort);
  }
  forgetRuleHandles(): void {
    this.db.exec("UPDATE ports SET rule_handle = 0");
  }

  // small facts (e.g. the ip_forward value before nsbox changed it)
  meta(key: string): string | undefined {
    return (this.db.query("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | null)?.value;
  }
  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.db.query("DELETE FROM meta WHERE key = ?").run(key);
    else this.db.query("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2").run(key, value);
  }
}
