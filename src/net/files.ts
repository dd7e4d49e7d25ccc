// Per-container /etc/hosts, /etc/resolv.conf and /etc/hostname (pure renderers, plus writing them
// in place: the engine bind-mounts these files, so they are rewritten, never replaced by rename,
// and a bind mount keeps seeing the same inode).
import { mkdirSync, writeFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { parseIp } from "./ipv4.ts";

export interface HostEntry {
  name: string;
  ip: string;
}

/** `--add-host name:ip` (docker also accepts name=ip); "host-gateway" means the network's gateway. */
export function parseExtraHost(text: string, gateway: string | undefined): HostEntry {
  const m = /^([^:=\s]+)[:=](.+)$/.exec(text);
  if (!m) throw new UserError(`invalid --add-host ${JSON.stringify(text)}: expected NAME:IP`);
  let ip = m[2]!;
  if (ip === "host-gateway") {
    if (!gateway) throw new UserError(`--add-host ${text}: host-gateway needs a network with a gateway`);
    ip = gateway;
  }
  if (parseIp(ip) === undefined && !/^[0-9a-fA-F:]+$/.test(ip)) throw new UserError(`invalid --add-host ${JSON.stringify(text)}: bad IP ${JSON.stringify(ip)}`);
  return { name: m[1]!, ip };
}

export function renderHosts(self: { ip?: string; names: string[] }, extra: HostEntry[]): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
  ];
  for (const e of extra) lines.push(`${e.ip}\t${e.name}`);
  if (self.ip && self.names.length) lines.push(`${self.ip}\t${[...new Set(self.names)].join(" ")}`);
  return lines.join("\n") + "\n";
}

export interface HostResolv {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): HostResolv {
  const out: HostResolv = { nameservers: [], search: [], options: [] };
  for (const raw of text.split("\n")) {
    const [key, ...rest] = raw.replace(/[#;].*$/, "").trim().split(/\s+/);
    if (key === "nameserver" && rest[0]) out.nameservers.push(rest[0]);
    else if (key === "search" || key === "domain") out.search = rest;
    else if (key === "options") out.options.push(...rest);
  }
  return out;
}

export interface ResolvRequest {
  embeddedDns?: string; // the network's resolver address (user networks)
  dns: string[]; // --dns
  dnsSearch: string[];
  dnsOptions: string[];
}

/** Docker's rules: a user network points at its resolver; otherwise --dns, else the host's
 * servers minus loopback ones (unreachable from a container), else Google's. */
export function renderResolvConf(req: ResolvRequest, host: HostResolv): string {
  let servers: string[];
  if (req.embeddedDns) servers = [req.embeddedDns];
  else if (req.dns.length) servers = req.dns;
  else {
    servers = host.nameservers.filter((s) => !s.startsWith("127.") && s !== "::1");
    if (servers.length === 0) servers = ["8.8.8.8", "8.8.4.4"];
  }
  const search = req.dnsSearch.length ? req.dnsSearch : host.search;
  const options = req.dnsOptions.length ? req.dnsOptions : req.embeddedDns ? ["ndots:0"] : host.options;
  const lines = servers.map((s) => `nameserver ${s}`);
  if (search.length) lines.push(`search ${search.join(" ")}`);
  if (options.length) lines.push(`options ${options.join(" ")}`);
  return lines.join("\n") + "\n";
}

export interface ContainerFiles {
  hostsFile: string;
  resolvConfFile: string;
  hostnameFile: string;
}

export function containerFilePaths(dir: string): ContainerFiles {
  return { hostsFile: `${dir}/hosts`, resolvConfFile: `${dir}/resolv.conf`, hostnameFile: `${dir}/hostname` };
}

export function writeContainerFiles(dir: string, content: { hosts: string; resolvConf: string; hostname: string }): ContainerFiles {
  mkdirSync(dir, { recursive: true });
  const paths = containerFilePaths(dir);
  writeFileSync(paths.hostsFile, content.hosts);
  writeFileSync(paths.resolvConfFile, content.resolvConf);
  writeFileSync(paths.hostnameFile, content.hostname + "\n");
  return paths;
}
