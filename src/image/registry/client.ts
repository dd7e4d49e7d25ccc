// An OCI distribution client for one registry host: HTTPS (system CAs + per-registry CAs, tls.ts)
// or, for insecure and loopback registries, a fallback to HTTP when HTTPS can't connect (never after
// a certificate error: the server does speak TLS, and plain HTTP would only hide the real problem); anonymous, Bearer token and Basic auth; manifests with
// an Accept header listing every type we read (a registry answers an OCI manifest with 404 to a
// client that doesn't list OCI types, and converts Docker schema2 to schema1 for one that lists none).
import { UserError } from "../../common/errors.ts";
import { type Digest, sha256 } from "../digest.ts";
import { DigestMismatchError } from "../store/blobs.ts";
import { MediaType } from "../types.ts";
import { type Credentials, getCredentials, parseChallenge } from "./auth.ts";
import { isLoopback, schemesFor } from "./config.ts";
import { certsDir, isCertificateError, tlsOptions } from "./tls.ts";

export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerList, MediaType.dockerManifest].join(", ");

export class RegistryError extends UserError {
  constructor(message: string, readonly status = 0) {
    super(message);
  }
}

export interface ClientOptions {
  insecure?: boolean; // plain HTTP allowed
  credentials?: Credentials;
  /** Base URL override (mirrors): "https://mirror.example" */
  base?: string;
}

export class RegistryClient {
  private scheme: "https" | "http" | undefined;
  private tokens = new Map<string, string>(); // scope → bearer token
  private basic: string | undefined;
  private basicAccepted = false; // send Basic up front once the registry asked for it
  private address: string;

  constructor(readonly host: string, readonly opts: ClientOptions = {}) {
    const creds = opts.credentials ?? getCredentials(host);
    if (creds) this.basic = Buffer.from(`${creds.username}:${creds.password}`).toString("base64");
    this.address = host;
    if (opts.base) {
      const u = new URL(opts.base);
      this.scheme = u.protocol === "http:" ? "http" : "https";
      this.address = u.host;
    }
  }

  private get httpAllowed(): boolean {
    return schemesFor(this.host, !!this.opts.insecure).includes("http");
  }

  /** One request with scheme fallback and auth; `scope` is "repository:NAME:pull". */
  async request(path: string, scope: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.send(path, scope, init);
    if (res.status !== 401) return res;
    const challenge = res.headers.get("www-authenticate");
    await res.body?.cancel();
    if (!challenge) throw new RegistryError(`${this.host}: 401 unauthorized with no WWW-Authenticate challenge`, 401);
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === "bearer") await this.fetchToken(params, scope);
    else if (scheme !== "basic" || !this.basic) throw new RegistryError(`${this.host}: authentication required (nsbox login ${this.host})`, 401);
    const again = await this.send(path, scope, init, scheme === "basic");
    if (again.status !== 401 && scheme === "basic") this.basicAccepted = true;
    if (again.status === 401) {
      await again.body?.cancel();
      throw new RegistryError(`${this.host}: unauthorized: ${this.basic ? "wrong credentials" : `authentication required (nsbox login ${this.host})`}`, 401);
    }
    return again;
  }

  private async send(path: string, scope: string, init: RequestInit, useBasic = false): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = this.tokens.get(scope);
    if (token) headers.set("authorization", `Bearer ${token}`);
    else if ((useBasic || this.basicAccepted) && this.basic) headers.set("authorization", `Basic ${this.basic}`);
    const schemes = this.scheme ? [this.scheme] : schemesFor(this.host, !!this.opts.insecure);
    let lastErr: unknown;
    for (const s of schemes) {
      for (const addr of this.addresses()) {
        try {
          const tls = s === "https" ? tlsOptions(this.host, addr) : undefined;
          const res = await fetch(`${s}://${addr}${path}`, { ...init, headers, redirect: "follow", tls });
          this.scheme = s;
          this.address = addr;
          return res;
        } catch (e) {
          if (isCertificateError(e)) throw certificateError(addr, e);
          lastErr = e;
        }
      }
    }
    throw new RegistryError(`${this.host}: cannot reach the registry (${(lastErr as Error)?.message ?? lastErr})`);
  }

  /** localhost may resolve to ::1 first while a registry listens on 127.0.0.1 only: try both. */
  private addresses(): string[] {
    const m = /^localhost(:\d+)?$/.exec(this.address);
    return m ? [this.address, `127.0.0.1${m[1] ?? ""}`] : [this.address];
  }

  private async fetchToken(p: Record<string, string>, scope: string): Promise<void> {
    if (!p.realm) throw new RegistryError(`${this.host}: Bearer challenge without a realm`);
    const url = new URL(p.realm);
    if (url.protocol === "http:" && !this.httpAllowed && !isLoopback(url.host)) {
      throw new RegistryError(`${this.host}: refusing a token realm over plain HTTP (${p.realm})`);
    }
    if (p.service) url.searchParams.set("service", p.service);
    url.searchParams.set("scope", p.scope ?? scope);
    const headers: Record<string, string> = {};
    if (this.basic) headers.authorization = `Basic ${this.basic}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, tls: url.protocol === "https:" ? tlsOptions(url.host) : undefined });
    } catch (e) {
      if (isCertificateError(e)) throw certificateError(url.host, e);
      throw new RegistryError(`${this.host}: cannot reach the token server ${url.origin} (${(e as Error).message})`);
    }
    if (!res.ok) throw new RegistryError(`${this.host}: token request failed: ${res.status} ${await res.text().catch(() => "")}`.trim(), res.status);
    const j = (await res.json()) as { token?: string; access_token?: string };
    const token = j.token ?? j.access_token;
    if (!token) throw new RegistryError(`${this.host}: token server answered without a token`);
    this.tokens.set(scope, token);
  }

  /** A manifest or index by tag or digest; its digest is verified when asked for by digest. */
  async manifest(repo: string, ref: string): Promise<{ mediaType: string; digest: Digest; body: Buffer }> {
    const res = await this.request(`/v2/${repo}/manifests/${ref}`, `repository:${repo}:pull`, { headers: { accept: MANIFEST_ACCEPT } });
    if (!res.ok) throw await errorOf(res, `${this.host}/${repo}:${ref}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > 4 << 20) throw new RegistryError(`${this.host}/${repo}:${ref}: manifest too large`);
    const digest = sha256(body);
    if (ref.startsWith("sha256:") && digest !== ref) throw new DigestMismatchError(ref as Digest, digest, `manifest ${repo}@${ref}`);
    let mediaType = res.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    try {
      const j = JSON.parse(body.toString("utf8"));
      if (j.mediaType) mediaType = j.mediaType;
      else if (!mediaType || mediaType === "application/json") mediaType = j.manifests ? MediaType.ociIndex : MediaType.ociManifest;
      if (j.schemaVersion === 1) throw new RegistryError(`${this.host}/${repo}:${ref}: Docker schema1 manifests are not supported`);
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryError(`${this.host}/${repo}:${ref}: manifest is not valid JSON`);
    }
    return { mediaType, digest, body };
  }

  /** A blob's response (optionally from an offset, for resuming). */
  async blob(repo: string, digest: Digest, offset = 0): Promise<Response> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await this.request(`/v2/${repo}/blobs/${digest}`, `repository:${repo}:pull`, { headers });
    if (!res.ok) throw await errorOf(res, `${this.host}/${repo}@${digest}`);
    return res;
  }

  /** Checks that the registry answers and accepts our credentials (for `login`). */
  async ping(): Promise<void> {
    const res = await this.send("/v2/", "", {});
    if (res.status === 401) {
      await res.body?.cancel();
      const { scheme, params } = parseChallenge(res.headers.get("www-authenticate") ?? "");
      if (scheme === "bearer") return this.fetchToken(params, params.scope ?? "");
      const again = await this.send("/v2/", "", {}, true);
      await again.body?.cancel();
      if (again.status === 401) throw new RegistryError(`${this.host}: unauthorized: wrong username or password`, 401);
      return;
    }
    await res.body?.cancel();
    if (!res.ok) throw new RegistryError(`${this.host}: /v2/ answered ${res.status}`, res.status);
  }
}

function certificateError(addr: string, e: unknown): RegistryError {
  return new RegistryError(`${addr}: TLS certificate not trusted (${(e as Error).message}); add its CA to the system store or to ${certsDir()}/${addr}/ca.crt`);
}

async function errorOf(res: Response, what: string): Promise<RegistryError> {
  let detail = "";
  try {
    const j = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    detail = j.errors?.map((e) => `${e.code}: ${e.message}`).join("; ") ?? "";
  } catch {}
  if (res.status === 404) return new RegistryError(`${what}: not found${detail ? ` (${detail})` : ""}`, 404);
  return new RegistryError(`${what}: registry answered ${res.status}${detail ? ` (${detail})` : ""}`, res.status);
}
