// Registry HTTPS against a real TLS registry: Debian's docker-registry on 127.0.0.1 serving a
// certificate (SAN 127.0.0.1, localhost) signed by a CA made here with openssl. Untrusted → one
// clear line, no silent HTTP fallback (the port speaks TLS only: HTTP would get a 400, not a cert
// error); trusted through the per-registry CA dir or the CA bundle path → the pull works.
// The real /etc/ssl is never touched: $NSBOX_CA_BUNDLE and $NSBOX_CERTS_DIR point into a temp dir.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { describeWithTools, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";
import { tempDir } from "./image-fixtures.ts";

const top = `${import.meta.dir}/../..`;
const d = describeWithTools("image-registry-tls", ["docker-registry", "skopeo", "openssl"]);

const base = tempDir("regtls");
let reg: TestRegistry;
let run = 0;

function openssl(args: string[]): void {
  const p = Bun.spawnSync(["openssl", ...args], { cwd: base, stderr: "pipe", stdout: "ignore" });
  if (p.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${p.stderr}`);
}

function pull(ref: string, env: Record<string, string>) {
  const p = Bun.spawnSync([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, "pull", "-q", ref], {
    env: { ...process.env, NSBOX_ROOT: `${base}/root${++run}`, NSBOX_REGISTRIES: `${base}/none.json`, NSBOX_AUTH_FILE: `${base}/auth.json`, NSBOX_CA_BUNDLE: "/etc/ssl/certs/ca-certificates.crt", NSBOX_CERTS_DIR: `${base}/empty.d`, ...env },
    stdin: "ignore",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

d("registry over HTTPS", () => {
  beforeAll(async () => {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=nsbox test CA"]);
    openssl(["req", ...ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"]);
    fs.writeFileSync(`${base}/ext.cnf`, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    openssl(["x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.crt", "-days", "2", "-extfile", "ext.cnf"]);
    reg = await startRegistry(`  tls:\n    certificate: ${base}/srv.crt\n    key: ${base}/srv.key\n`);
    await skopeoCopy(`oci:${top}/build/images/busybox:latest`, `docker://${reg.host}/busybox:latest`);
  }, 60_000);
  afterAll(() => {
    reg?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test("the registry speaks TLS only on its port (plain HTTP is answered 400)", async () => {
    const r = await fetch(`http://${reg.host}/v2/`);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("HTTP request to an HTTPS server");
  });

  test("an untrusted CA: one clear line about the certificate, exit 1, no HTTP fallback", () => {
    for (const ref of [`${reg.host}/busybox`, `localhost:${reg.port}/busybox`]) {
      const r = pull(ref, {});
      expect(r.code).toBe(1);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/^nsbox: (127\.0\.0\.1|localhost):\d+: TLS certificate not trusted \(.+\); add its CA to the system store or to \S+\/empty\.d\/(127\.0\.0\.1|localhost):\d+\/ca\.crt\n$/);
      // No sign of a plain-HTTP retry (its answer: 400, "HTTP request to an HTTPS server"),
      // without the port, which is random and may contain "400".
      expect(r.err.replaceAll(`:${reg.port}`, ":PORT")).not.toMatch(/400|HTTPS server/);
    }
  });

  test("trusted through the per-registry CA dir <certs dir>/<host:port>/ca.crt", () => {
    fs.mkdirSync(`${base}/certs.d/${reg.host}`, { recursive: true });
    fs.copyFileSync(`${base}/ca.crt`, `${base}/certs.d/${reg.host}/ca.crt`);
    const r = pull(`${reg.host}/busybox`, { NSBOX_CERTS_DIR: `${base}/certs.d` });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${reg.host}/busybox:latest\n`);
    // Another registry's dir does not make this one trusted.
    fs.mkdirSync(`${base}/other.d/127.0.0.1:1`, { recursive: true });
    fs.copyFileSync(`${base}/ca.crt`, `${base}/other.d/127.0.0.1:1/ca.crt`);
    expect(pull(`${reg.host}/busybox`, { NSBOX_CERTS_DIR: `${base}/other.d` }).err).toMatch(/TLS certificate not trusted/);
  });

  test("trusted through the system CA bundle (path override: system bundle + the test CA)", () => {
    fs.writeFileSync(`${base}/bundle.pem`, fs.readFileSync("/etc/ssl/certs/ca-certificates.crt", "utf8") + fs.readFileSync(`${base}/ca.crt`, "utf8"));
    const r = pull(`${reg.host}/busybox`, { NSBOX_CA_BUNDLE: `${base}/bundle.pem` });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});
