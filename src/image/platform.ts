// Platforms (os/arch/variant): the host's, parsing --platform, and picking a manifest from an index.
import { UserError } from "../common/errors.ts";
import type { Descriptor, Platform } from "./types.ts";

const archOf: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export function hostPlatform(): Platform {
  const architecture = archOf[process.arch] ?? process.arch;
  return { os: "linux", architecture, ...(architecture === "arm64" ? { variant: "v8" } : architecture === "arm" ? { variant: "v7" } : {}) };
}

/** "linux/arm64/v8", "linux/amd64", "arm64" → Platform */
export function parsePlatform(s: string): Platform {
  const parts = s.split("/");
  if (parts.length === 1 && parts[0]) return { ...hostPlatform(), architecture: normalizeArch(parts[0]), variant: undefined };
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p)) throw new UserError(`invalid platform '${s}' (want os/arch[/variant])`);
  const p: Platform = { os: parts[0]!, architecture: normalizeArch(parts[1]!) };
  if (parts[2]) p.variant = parts[2];
  return p;
}

function normalizeArch(a: string): string {
  return a === "x86_64" || a === "x86-64" ? "amd64" : a === "aarch64" ? "arm64" : a;
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}

/** arm64 defaults to v8 in indexes that omit the variant; other arches compare as given. */
function variantMatches(want: Platform, have: Platform): boolean {
  if (!want.variant) return true;
  const norm = (p: Platform) => p.variant ?? (p.architecture === "arm64" ? "v8" : undefined);
  return norm(have) === norm(want);
}

/** The index entry for a platform; throws a clear error listing what the index offers. */
export function pickManifest(manifests: Descriptor[], want: Platform): Descriptor {
  const candidates = manifests.filter((d) => d.platform && d.platform.os === want.os && d.platform.architecture === want.architecture);
  const exact = candidates.find((d) => variantMatches(want, d.platform!));
  if (exact) return exact;
  const offered = manifests.filter((d) => d.platform).map((d) => formatPlatform(d.platform!)).join(", ") || "none";
  throw new UserError(`no matching manifest for ${formatPlatform(want)} in the manifest list entries (offered: ${offered})`);
}
