// Registry settings: which registries may be reached over plain HTTP, and mirrors.
// File: $NSBOX_REGISTRIES (default /etc/nsbox/registries.json), for example
//   { "insecure": ["myreg.lan:5000"], "mirrors": { "docker.io": ["https://mirror.example"] } }
// Loopback registries (localhost, 127.0.0.0/8, ::1) may always fall back to HTTP, as with docker.
import * as fs from "node:fs";
import { UserError } from "../../common/errors.ts";

export interface RegistriesConfig {
  insecure: string[];
  mirrors: Record<string, string[]>;
}

export function loadRegistriesConfig(path = process.env.NSBOX_REGISTRIES ?? "/etc/nsbox/registries.json"): RegistriesConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch {
    return { insecure: [], mirrors: {} };
  }
  try {
    const c = JSON.parse(text) as Partial<RegistriesConfig>;
    return { insecure: c.insecure ?? [], mirrors: c.mirrors ?? {} };
  } catch {
    throw new UserError(`${path}: invalid JSON`);
  }
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Schemes to try, in order. HTTPS first, always; plain HTTP only for registries named insecure
 *  (flag or config) or on loopback, never as a silent downgrade for any other registry. */
export function schemesFor(host: string, insecure: boolean): ("https" | "http")[] {
  return insecure || isLoopback(host) ? ["https", "http"] : ["https"];
}

/** The host to talk to for a reference's domain (docker.io's API lives elsewhere). */
export function apiHost(domain: string): string {
  return domain === "docker.io" ? "registry-1.docker.io" : domain;
}
