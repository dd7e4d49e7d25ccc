// Which CAs registry HTTPS trusts. Bun's fetch trusts only its own bundled Mozilla list, not the
// system's store (what update-ca-certificates manages), so a registry signed by a company CA that
// the admin installed would fail. We pass the system bundle, plus per-registry CAs like docker's
// /etc/docker/certs.d: every *.crt in <certs dir>/<host[:port]>/ (default /etc/nsbox/certs.d).
// Files are read lazily, on the first HTTPS request, and once per process: start-up time matters.
import * as fs from "node:fs";

const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

/** $NSBOX_CERTS_DIR, else /etc/nsbox/certs.d (next to registries.json). */
export function certsDir(): string {
  return process.env.NSBOX_CERTS_DIR ?? "/etc/nsbox/certs.d";
}

// Keyed by the bundle path: tests in one process change $NSBOX_CA_BUNDLE between cases.
const systemCA = new Map<string, string[]>();

/** The system CA bundle ($NSBOX_CA_BUNDLE overrides, for tests); Bun's own roots if there is none. */
function systemRoots(): string[] {
  const override = process.env.NSBOX_CA_BUNDLE ?? "";
  let roots = systemCA.get(override);
  if (roots) return roots;
  for (const p of override ? [override] : SYSTEM_BUNDLES) {
    try {
      roots = [fs.readFileSync(p, "utf8")];
      break;
    } catch {}
  }
  // `ca` replaces the default roots, so without a system bundle keep trusting Bun's.
  roots ??= [...(require("node:tls") as typeof import("node:tls")).rootCertificates];
  systemCA.set(override, roots);
  return roots;
}

/** CA certificates from <certs dir>/<host>/*.crt (docker's layout; client certs are not supported). */
export function registryCAs(host: string): string[] {
  const dir = `${certsDir()}/${host}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith(".crt")).sort();
  } catch {
    return [];
  }
  return names.map((n) => fs.readFileSync(`${dir}/${n}`, "utf8"));
}

const cache = new Map<string, { ca: string[] }>();

/** `tls` options for fetch() to any of these host[:port] names (a registry, its address, a realm). */
export function tlsOptions(...hosts: string[]): { ca: string[] } {
  const key = `${process.env.NSBOX_CA_BUNDLE ?? ""} ${certsDir()} ${hosts.join(" ")}`;
  let t = cache.get(key);
  if (!t) cache.set(key, (t = { ca: [...systemRoots(), ...[...new Set(hosts)].flatMap(registryCAs)] }));
  return t;
}

/** A certificate the peer sent that we don't trust (as opposed to no TLS at all, or no connection). */
export function isCertificateError(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  return /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|ALTNAME|HOSTNAME_MISMATCH/.test(code);
}
