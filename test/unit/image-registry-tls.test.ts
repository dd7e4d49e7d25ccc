// Registry transport decisions, without a network: which schemes a registry may be reached with
// (plain HTTP never as a downgrade for an ordinary registry), which errors count as an untrusted
// certificate (no HTTP fallback after those), and which CA files are trusted for which host.
import { afterAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import { schemesFor } from "../../src/image/registry/config.ts";
import { isCertificateError, registryCAs, tlsOptions } from "../../src/image/registry/tls.ts";

const dir = fs.mkdtempSync(`${os.tmpdir()}/nsbox-tls-unit-`);
afterAll(() => {
  delete process.env.NSBOX_CA_BUNDLE;
  delete process.env.NSBOX_CERTS_DIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

test("HTTPS only for an ordinary registry; HTTP after HTTPS for insecure and loopback ones", () => {
  for (const host of ["registry.example.com", "registry.example.com:5000", "10.0.0.5:5000", "registry-1.docker.io", "127.example.com"]) {
    expect(schemesFor(host, false)).toEqual(["https"]);
  }
  expect(schemesFor("registry.example.com:5000", true)).toEqual(["https", "http"]);
  for (const host of ["localhost", "localhost:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000"]) {
    expect(schemesFor(host, false)).toEqual(["https", "http"]);
  }
});

test("certificate errors are told apart from connection and handshake errors", () => {
  const err = (code: string) => Object.assign(new TypeError("x"), { code });
  for (const c of ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]) {
    expect(isCertificateError(err(c))).toBe(true);
  }
  for (const c of ["ECONNREFUSED", "EPROTO", "ECONNRESET", "ConnectionRefused", ""]) expect(isCertificateError(err(c))).toBe(false);
  expect(isCertificateError(new Error("no code"))).toBe(false);
});

test("trusted CAs: the system bundle (NSBOX_CA_BUNDLE) plus *.crt of the registry's own dir", () => {
  fs.writeFileSync(`${dir}/bundle.pem`, "SYSTEM-BUNDLE");
  fs.mkdirSync(`${dir}/certs.d/reg.example:5000`, { recursive: true });
  fs.writeFileSync(`${dir}/certs.d/reg.example:5000/ca.crt`, "REG-CA");
  fs.writeFileSync(`${dir}/certs.d/reg.example:5000/client.key`, "NOT-A-CA");
  process.env.NSBOX_CA_BUNDLE = `${dir}/bundle.pem`;
  process.env.NSBOX_CERTS_DIR = `${dir}/certs.d`;
  expect(registryCAs("reg.example:5000")).toEqual(["REG-CA"]);
  expect(registryCAs("reg.example")).toEqual([]); // the port is part of the dir name, as with docker
  expect(tlsOptions("reg.example:5000").ca).toEqual(["SYSTEM-BUNDLE", "REG-CA"]);
  expect(tlsOptions("other.example").ca).toEqual(["SYSTEM-BUNDLE"]);
  expect(tlsOptions("reg.example:5000", "reg.example:5000").ca).toEqual(["SYSTEM-BUNDLE", "REG-CA"]);
});

test("without an override the system bundle is /etc/ssl/certs/ca-certificates.crt (what update-ca-certificates writes)", () => {
  const saved = process.env.NSBOX_CA_BUNDLE;
  delete process.env.NSBOX_CA_BUNDLE;
  try {
    const system = "/etc/ssl/certs/ca-certificates.crt";
    if (!fs.existsSync(system)) return console.log(`SKIP: no ${system}`);
    expect(tlsOptions("other.example").ca[0]).toBe(fs.readFileSync(system, "utf8"));
  } finally {
    if (saved !== undefined) process.env.NSBOX_CA_BUNDLE = saved;
  }
});
