// The text docker's pull prints around the per-layer lines (docker/cli's pull command and the
// daemon's distribution/pull_v2.go), kept pure so the wording is unit-tested.
import type { Digest } from "../digest.ts";
import { familiarName, formatReference, type Reference } from "../reference.ts";

/** Whether the user gave neither tag nor digest ("alpine", "localhost:5000/a/b"). */
export function isNameOnly(input: string): boolean {
  if (input.includes("@")) return false;
  return input.lastIndexOf(":") <= input.lastIndexOf("/");
}

/**
 * The lines before the layers: "Using default tag: latest" when no tag was given, then
 * "<tag or digest>: Pulling from <path>" with the repository path as the registry sees it
 * ("library/alpine" for docker.io's alpine, "a/b" for localhost:5000/a/b).
 */
export function pullHeader(input: string, ref: Reference): string[] {
  const lines = isNameOnly(input) ? [`Using default tag: ${ref.tag}`] : [];
  lines.push(`${ref.digest ?? ref.tag}: Pulling from ${ref.path}`);
  return lines;
}

/**
 * The lines after the layers: the digest, whether the name now points at a different image
 * ("Downloaded newer image") or already pointed at this one ("Image is up to date"), then the
 * full reference (all `pull -q` prints).
 */
export function pullFooter(ref: Reference, digest: Digest, upToDate: boolean): string[] {
  const full = formatReference(ref);
  const status = upToDate ? "Image is up to date for" : "Downloaded newer image for";
  return [`Digest: ${digest}`, `Status: ${status} ${familiarName(full)}`, full];
}
