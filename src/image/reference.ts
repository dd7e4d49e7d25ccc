// Image references, parsed and normalized the way docker does:
//   busybox                → docker.io/library/busybox:latest
//   user/app:1.0           → docker.io/user/app:1.0
//   localhost:5000/a/b@sha256:… , registry.example.com/x:tag@sha256:…
import { UserError } from "../common/errors.ts";
import { type Digest, isDigest } from "./digest.ts";

export const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DOMAIN = "index.docker.io";

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

export class ReferenceError_ extends UserError {}

export interface Reference {
  domain: string;
  path: string; // "library/busybox"
  tag?: string;
  digest?: Digest;
}

export function parseReference(input: string): Reference {
  const bad = (why: string) => new ReferenceError_(`invalid reference format '${input}': ${why}`);
  if (!input || input.length > 255 * 2) throw bad("empty or too long");
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw bad("invalid digest");
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad("invalid tag");
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (!DOMAIN.test(domain)) throw bad("invalid registry host");
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = `library/${path}`;
  if (path.length > 255) throw bad("repository name too long");
  for (const c of path.split("/")) {
    if (!COMPONENT.test(c)) throw bad(c === c.toLowerCase() ? "invalid repository name" : "repository name must be lowercase");
  }
  if (!tag && !digest) tag = "latest";
  return { domain, path, tag, digest };
}

/** "docker.io/library/busybox" */
export function repositoryOf(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** The full normalized reference: repo:tag, repo@digest or repo:tag@digest. */
export function formatReference(r: Reference): string {
  return `${repositoryOf(r)}${r.tag ? `:${r.tag}` : ""}${r.digest ? `@${r.digest}` : ""}`;
}

/** A repository name as docker shows it: "busybox", "user/app", "localhost:5000/x". */
export function familiarRepository(repo: string): string {
  if (repo.startsWith(`${DEFAULT_DOMAIN}/library/`) && repo.split("/").length === 3) return repo.slice(DEFAULT_DOMAIN.length + 9);
  if (repo.startsWith(`${DEFAULT_DOMAIN}/`)) return repo.slice(DEFAULT_DOMAIN.length + 1);
  return repo;
}

/** A stored name ("docker.io/library/busybox:latest") as docker shows it ("busybox:latest"). */
export function familiarName(name: string): string {
  const at = name.indexOf("@");
  const repoPart = at >= 0 ? name.slice(0, at) : name;
  const slash = repoPart.lastIndexOf("/");
  const colon = repoPart.lastIndexOf(":");
  const repo = colon > slash ? repoPart.slice(0, colon) : repoPart;
  return familiarRepository(repo) + name.slice(repo.length);
}

/** Splits a stored name into repository and tag/digest, for table output. */
export function splitName(name: string): { repository: string; tag?: string; digest?: Digest } {
  const at = name.indexOf("@");
  if (at >= 0) return { repository: name.slice(0, at), digest: name.slice(at + 1) as Digest };
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? { repository: name.slice(0, colon), tag: name.slice(colon + 1) } : { repository: name };
}
