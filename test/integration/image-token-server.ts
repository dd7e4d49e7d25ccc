// A minimal token server for the registry's token auth (distribution's "token" auth): RS256 JWTs
// whose x5c header carries the self-signed certificate the registry trusts (rootcertbundle).
// Anonymous clients get pull access; the configured user also gets push.
import * as fs from "node:fs";
import { createSign, randomBytes } from "node:crypto";
import { freePort } from "./image-registry-fixture.ts";

export interface TokenServer {
  realm: string;
  certFile: string;
  requests: { scope: string; service: string; user?: string }[];
  stop(): void;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export async function startTokenServer(dir: string, user: { user: string; password: string }): Promise<TokenServer> {
  const key = `${dir}/token.key`, certFile = `${dir}/token.crt`;
  const gen = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certFile, "-days", "1", "-subj", "/CN=nsbox-test-token"], { stderr: "pipe" });
  if (gen.exitCode !== 0) throw new Error(`openssl: ${gen.stderr.toString()}`);
  const pem = fs.readFileSync(certFile, "utf8");
  const der = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const requests: TokenServer["requests"] = [];
  const port = freePort();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    fetch(req) {
      const url = new URL(req.url);
      const scope = url.searchParams.get("scope") ?? "";
      const service = url.searchParams.get("service") ?? "";
      let who: string | undefined;
      const auth = req.headers.get("authorization");
      if (auth?.startsWith("Basic ")) {
        const [u, p] = Buffer.from(auth.slice(6), "base64").toString().split(":");
        if (u !== user.user || p !== user.password) return new Response("bad credentials", { status: 401 });
        who = u;
      }
      requests.push({ scope, service, user: who });
      const access = scope
        .split(" ")
        .filter(Boolean)
        .map((s) => {
          const [type, name, actions] = s.split(":");
          const asked = (actions ?? "").split(",");
          return { type, name, actions: who ? asked : asked.filter((a) => a === "pull") };
        });
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [der] }));
      const claims = b64url(JSON.stringify({ iss: "nsbox-test-issuer", sub: who ?? "", aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access }));
      const sig = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(fs.readFileSync(key));
      const token = `${header}.${claims}.${b64url(sig)}`;
      return Response.json({ token, access_token: token, expires_in: 300 });
    },
  });
  return { realm: `http://127.0.0.1:${port}/token`, certFile, requests, stop: () => server.stop(true) };
}
