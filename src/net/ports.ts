// Published-port specs: parsing `-p [IP:][HOSTPORT:]CTRPORT[/tcp|udp]` (docker's grammar, with
// ranges) and `-P` into plain records. Pure: host-side checks (port in use) live in port-check.ts.
import { UserError } from "../common/errors.ts";
import { parseIp } from "./ipv4.ts";

export type Proto = "tcp" | "udp";

export interface PortSpec {
  hostIp: string; // "" = every host address (docker's 0.0.0.0)
  hostPort: number; // 0 = pick a free port
  containerPort: number;
  proto: Proto;
}

/** A spec after the host port is chosen, as stored and shown by `nsbox port`. */
export interface PortBinding extends PortSpec {
  containerIp: string;
}

function parsePortRange(text: string, what: string, spec: string): [number, number] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new UserError(`invalid port spec ${JSON.stringify(spec)}: bad ${what} ${JSON.stringify(text)}`);
  return [lo, hi];
}

/** Parses one `-p` value into one spec per port (a range gives several). */
export function parsePortSpec(spec: string): PortSpec[] {
  let body = spec.trim();
  let proto: Proto = "tcp";
  const slash = body.lastIndexOf("/");
  if (slash >= 0) {
    const p = body.slice(slash + 1).toLowerCase();
    if (p !== "tcp" && p !== "udp") throw new UserError(`invalid port spec ${JSON.stringify(spec)}: protocol must be tcp or udp, not ${JSON.stringify(p)}`);
    proto = p;
    body = body.slice(0, slash);
  }
  if (body.startsWith("[")) throw new UserError(`invalid port spec ${JSON.stringify(spec)}: IPv6 host addresses are not supported (IPv4 only)`);
  const parts = body.split(":");
  if (parts.length > 3 || body === "") throw new UserError(`invalid port spec ${JSON.stringify(spec)}: expected [IP:][HOSTPORT:]CTRPORT[/tcp|udp]`);
  const ctr = parts.pop()!;
  const host = parts.length ? parts.pop()! : "";
  const ip = parts.length ? parts.pop()! : "";
  if (ip !== "" && ip !== "0.0.0.0" && parseIp(ip) === undefined) throw new UserError(`invalid port spec ${JSON.stringify(spec)}: bad host IP ${JSON.stringify(ip)}`);
  const [clo, chi] = parsePortRange(ctr, "container port", spec);
  const [hlo, hhi] = host === "" ? [0, 0] : parsePortRange(host, "host port", spec);
  const count = chi - clo + 1;
  if (host !== "" && hhi - hlo + 1 !== count) {
    throw new UserError(`invalid port spec ${JSON.stringify(spec)}: host and container port ranges differ in size`);
  }
  const out: PortSpec[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ hostIp: ip === "0.0.0.0" ? "" : ip, hostPort: host === "" ? 0 : hlo + i, containerPort: clo + i, proto });
  }
  return out;
}

/** `-P`: every exposed port of the image ("80/tcp", "53/udp", "8080") to a random host port. */
export function publishAll(exposed: string[]): PortSpec[] {
  return exposed.flatMap((e) => parsePortSpec(e));
}

/** Docker's text for one binding: "80/tcp -> 0.0.0.0:32768". */
export function formatBinding(b: PortBinding): string {
  return `${b.containerPort}/${b.proto} -> ${b.hostIp || "0.0.0.0"}:${b.hostPort}`;
}

/** True when two bindings would claim the same host socket (an any-address claim covers all). */
export function bindingsClash(a: PortSpec, b: PortSpec): boolean {
  return a.proto === b.proto && a.hostPort === b.hostPort && (a.hostIp === b.hostIp || a.hostIp === "" || b.hostIp === "");
}
