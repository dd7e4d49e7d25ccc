// Registry credentials (`nsbox login/logout`): a docker-style auth file, mode 0600,
//   { "auths": { "host:port": { "auth": base64("user:password") } } }
// at $NSBOX_AUTH_FILE, else $XDG_CONFIG_HOME/nsbox/auth.json (~/.config/nsbox/auth.json).
import * as fs from "node:fs";
import * as os from "node:os";
import { UserError } from "../../common/errors.ts";

export interface Credentials {
  username: string;
  password: string;
}

export function authFile(): string {
  return process.env.NSBOX_AUTH_FILE ?? `${process.env.XDG_CONFIG_HOME ?? `${os.homedir()}/.config`}/nsbox/auth.json`;
}

function read(path: string): { auths: Record<string, { auth?: string }> } {
  try {
    const j = JSON.parse(fs.readFileSync(path, "utf8"));
    return { auths: j.auths ?? {} };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { auths: {} };
    throw new UserError(`${path}: unreadable credentials file (${(e as Error).message})`);
  }
}

function write(path: string, data: object): void {
  fs.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, path);
}

export function getCredentials(host: string, path = authFile()): Credentials | undefined {
  const a = read(path).auths[host]?.auth;
  if (!a) return undefined;
  const s = Buffer.from(a, "base64").toString("utf8");
  const colon = s.indexOf(":");
  return colon < 0 ? undefined : { username: s.slice(0, colon), password: s.slice(colon + 1) };
}

export function storeCredentials(host: string, c: Credentials, path = authFile()): void {
  const data = read(path);
  data.auths[host] = { auth: Buffer.from(`${c.username}:${c.password}`).toString("base64") };
  write(path, data);
}

/** Returns false when there was nothing stored for the host. */
export function removeCredentials(host: string, path = authFile()): boolean {
  const data = read(path);
  if (!data.auths[host]) return false;
  delete data.auths[host];
  write(path, data);
  return true;
}

/** `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` → scheme and params. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const sp = header.indexOf(" ");
  const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of (sp < 0 ? "" : header.slice(sp + 1)).matchAll(re)) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? "";
  return { scheme, params };
}
