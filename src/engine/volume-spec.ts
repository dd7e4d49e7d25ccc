// `-v` specifications and volume names, as docker reads them (pure: no file system, no store).
//   HOST:CTR[:MODE]   a bind mount (HOST absolute)
//   NAME:CTR[:MODE]   a named volume (created on first use)
//   CTR               an anonymous volume (a fresh 64-hex name; `rm -v` and --rm remove it)
// MODE: a comma list of ro|rw, z|Z, nocopy (no copy-up of the image's files), propagation modes.
import { UserError } from "../common/errors.ts";
import { randomHex } from "../common/random.ts";

/** moby's local driver rule (volume/local: volumeNameRegex), two characters at least. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MODES = new Set(["ro", "rw", "z", "Z", "nocopy", "private", "rprivate", "shared", "rshared", "slave", "rslave"]);

/** The label docker 23+ puts on anonymous volumes; `volume prune` without --all removes only those. */
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

/** docker's refusal, word for word (the "create NAME: " prefix is the daemon's operation). */
export function checkVolumeName(name: string, exitCode = 1): string {
  if (!VOLUME_NAME.test(name))
    throw new UserError(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      exitCode,
    );
  return name;
}

/** A name for an anonymous or unnamed volume: 64 hex digits, as docker's stringid. */
export function generateVolumeName(): string {
  return randomHex(32);
}

export type BindSpec =
  | { kind: "bind"; source: string; destination: string; mode: string; rw: boolean }
  | { kind: "volume"; name: string; anonymous: boolean; destination: string; mode: string; rw: boolean; copy: boolean };

/** One `-v` argument → what to mount; docker's errors (exit 125, nothing created) otherwise. */
export function parseBind(spec: string): BindSpec {
  const parts = spec.split(":");
  if (parts.length === 1 && spec.startsWith("/")) {
    return { kind: "volume", name: generateVolumeName(), anonymous: true, destination: spec, mode: "", rw: true, copy: true };
  }
  if (parts.length < 2 || parts.length > 3 || !parts[1]!.startsWith("/") || !parts[0])
    throw new UserError(`invalid volume specification: '${spec}'`, 125);
  const [source, destination, mode = ""] = parts as [string, string, string?];
  const flags = mode ? mode.split(",") : [];
  if (flags.some((f) => !MODES.has(f))) throw new UserError(`invalid mode: ${mode}`, 125);
  const rw = !flags.includes("ro");
  if (source.startsWith("/")) {
    if (flags.includes("nocopy")) throw new UserError(`invalid mode: ${mode}`, 125); // docker: nocopy is for volumes
    return { kind: "bind", source, destination, mode, rw };
  }
  checkVolumeName(source, 125);
  return { kind: "volume", name: source, anonymous: false, destination, mode, rw, copy: !flags.includes("nocopy") };
}

/** Every `-v` of a container; two mounts on one destination are refused as docker does. */
export function parseBinds(specs: readonly string[] | null | undefined): BindSpec[] {
  const out = (specs ?? []).map(parseBind);
  const seen = new Set<string>();
  for (const b of out) {
    const dst = b.destination.replace(/\/+$/, "") || "/";
    if (seen.has(dst)) throw new UserError(`Duplicate mount point: ${dst}`, 125);
    seen.add(dst);
  }
  return out;
}
