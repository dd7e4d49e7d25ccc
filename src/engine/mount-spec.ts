// `--mount` as docker reads it (pure), in two steps like docker's:
//   parseMountFlag:  the CLI's MountOpt.Set (docker/cli opts/mount.go): a CSV line of key=value
//                    fields → docker's mount.Mount (what HostConfig.Mounts shows); its errors are
//                    flag errors, `invalid argument "V" for "--mount" flag: WHY`, exit 125.
//   checkMount:      the daemon's validateMountConfig (moby volume/mounts/linux_parser.go): the
//                    fields each type allows, absolute paths, not "/", `invalid mount config for
//                    type "T": WHY`, exit 125 too (docker run's daemon error).
// Paths are cleaned as moby's path.Clean does, so a target's `..` never climbs above "/" (the
// runtime then resolves it inside the container's root, symlinks included).
import { posix } from "node:path";
import { UserError } from "../common/errors.ts";
import { parseBytes } from "./run-options.ts";
import type { ApiMount } from "./types.ts";
import { checkVolumeName } from "./volume-spec.ts";

const PROPAGATIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

function flagError(value: string, why: string): UserError {
  return new UserError(`invalid argument "${value}" for "--mount" flag: ${why}`, 125);
}

/** One line of Go's encoding/csv with its defaults: `,` separated, `"` quoting with `""` escapes. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') (field += '"'), (i += 2);
          else {
            i++;
            break;
          }
        } else field += line[i++];
      }
      if (i < line.length && line[i] !== ",") throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const end = line.indexOf(",", i);
      field = line.slice(i, end < 0 ? line.length : end);
      if (field.includes('"')) throw new Error(`parse error on line 1, column ${i + field.indexOf('"') + 1}: bare " in non-quoted-field`);
      i = end < 0 ? line.length : end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

function parseBool(key: string, v: string, value: string): boolean {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw flagError(value, `invalid value for ${key}: ${v}`);
}

/** docker/cli's MountOpt.Set: one `--mount` value → docker's mount.Mount. */
export function parseMountFlag(value: string): ApiMount {
  let fields: string[];
  try {
    fields = csvFields(value);
  } catch (err) {
    throw flagError(value, (err as Error).message);
  }
  const m: ApiMount = { Type: "volume", Target: "" };
  const volumeOptions = () => (m.VolumeOptions ??= { DriverConfig: {} });
  const bindOptions = () => (m.BindOptions ??= {});
  const tmpfsOptions = () => (m.TmpfsOptions ??= {});
  for (const field of fields) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? "" : field.slice(eq + 1);
    if (eq < 0) {
      if (key === "readonly" || key === "ro") m.ReadOnly = true;
      else if (key === "volume-nocopy") volumeOptions().NoCopy = true;
      else if (key === "bind-nonrecursive") bindOptions().NonRecursive = true;
      else throw flagError(value, `invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case "type":
        m.Type = val.toLowerCase();
        break;
      case "source":
      case "src":
        // docker/cli makes `.` and `./x` absolute (against our working directory).
        m.Source = val === "." || val.startsWith("./") ? posix.resolve(val) : val;
        break;
      case "target":
      case "dst":
      case "destination":
        m.Target = val;
        break;
      case "readonly":
      case "ro":
        m.ReadOnly = parseBool(key, val, value);
        break;
      case "consistency": // macOS only; recorded, no effect on Linux (as docker)
        m.Consistency = val.toLowerCase();
        break;
      case "bind-propagation":
        bindOptions().Propagation = val.toLowerCase();
        break;
      case "bind-nonrecursive":
        bindOptions().NonRecursive = parseBool(key, val, value);
        break;
      case "volume-driver":
        volumeOptions().DriverConfig!.Name = val;
        break;
      case "volume-label": {
        const [k, ...v] = val.split("=");
        if (k) (volumeOptions().Labels ??= {})[k] = v.join("=");
        break;
      }
      case "volume-nocopy":
        volumeOptions().NoCopy = parseBool(key, val, value);
        break;
      case "volume-opt":
      case "volume-subpath":
        // The local driver here has directory volumes only (volume create --opt is refused too).
        throw flagError(value, `${key} is not supported (nsbox's local driver has directory volumes only)`);
      case "tmpfs-size": {
        let size: number;
        try {
          size = parseBytes("tmpfs-size", val);
        } catch {
          throw flagError(value, `invalid value for ${key}: ${val}`);
        }
        tmpfsOptions().SizeBytes = size;
        break;
      }
      case "tmpfs-mode":
        if (!/^[0-7]+$/.test(val) || parseInt(val, 8) > 0xffffffff) throw flagError(value, `invalid value for ${key}: ${val}`);
        tmpfsOptions().Mode = parseInt(val, 8);
        break;
      default:
        throw flagError(value, `unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Type) throw flagError(value, "type is required");
  if (!m.Target) throw flagError(value, "target is required");
  for (const [opts, kind] of [[m.VolumeOptions, "volume"], [m.BindOptions, "bind"], [m.TmpfsOptions, "tmpfs"]] as const)
    if (opts && m.Type !== kind) throw flagError(value, `cannot mix '${kind}-*' options with mount type '${m.Type}'`);
  // docker's field order (mount.Mount's JSON), unset ones left out as its omitempty does.
  const ordered: ApiMount = { Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly, Consistency: m.Consistency, BindOptions: m.BindOptions, VolumeOptions: m.VolumeOptions, TmpfsOptions: m.TmpfsOptions };
  for (const k of Object.keys(ordered) as (keyof ApiMount)[]) if (ordered[k] === undefined) delete ordered[k];
  return ordered;
}

/** moby's path.Clean of a container or host path ("/a/../../b" → "/b"). */
export function cleanPath(p: string): string {
  const c = posix.normalize(p);
  return c.length > 1 ? c.replace(/\/+$/, "") : c;
}

/** What a checked mount becomes (see mount-plan.ts). */
export interface CheckedMount {
  type: "bind" | "volume" | "tmpfs";
  destination: string;
  rw: boolean;
  /** bind: the cleaned host path; volume: the name ("" for an anonymous one). */
  source: string;
  propagation: string;
  nonRecursive: boolean;
  copy: boolean;
  labels?: Record<string, string>;
}

/** moby's validateMountConfig + parseMountSpec for Linux (bind source existence is the caller's). */
export function checkMount(m: ApiMount): CheckedMount {
  const fail = (why: string) => new UserError(`invalid mount config for type "${m.Type}": ${why}`, 125);
  const absolute = (p: string) => {
    if (!p.startsWith("/")) throw fail(`invalid mount path: '${p}' mount path must be absolute`);
  };
  if (!m.Target) throw fail("field Target must not be empty");
  if (cleanPath(m.Target) === "/") throw fail("invalid specification: destination can't be '/'");
  absolute(m.Target);
  const extra = (field: string, present: unknown) => {
    if (present) throw fail(`field ${field} must not be specified`);
  };
  const out: CheckedMount = {
    type: m.Type as CheckedMount["type"], destination: cleanPath(m.Target), rw: !m.ReadOnly, source: "", propagation: "", nonRecursive: false, copy: true,
  };
  switch (m.Type) {
    case "bind": {
      if (!m.Source) throw fail("field Source must not be empty");
      const p = m.BindOptions?.Propagation;
      if (p && !PROPAGATIONS.includes(p)) throw fail(`invalid propagation mode: ${p}`);
      extra("VolumeOptions", m.VolumeOptions);
      extra("TmpfsOptions", m.TmpfsOptions);
      absolute(m.Source);
      return { ...out, source: cleanPath(m.Source), propagation: p || "rprivate", nonRecursive: !!m.BindOptions?.NonRecursive };
    }
    case "volume": {
      extra("BindOptions", m.BindOptions);
      extra("TmpfsOptions", m.TmpfsOptions);
      if (!m.Source && m.ReadOnly) throw fail("must not set ReadOnly mode when using anonymous volumes");
      const driver = m.VolumeOptions?.DriverConfig?.Name;
      if (driver && driver !== "local") throw new UserError(`create ${m.Source ?? ""}: volume driver "${driver}" is not supported (only "local")`, 125);
      if (m.Source) checkVolumeName(m.Source, 125);
      const labels = m.VolumeOptions?.Labels;
      return { ...out, source: m.Source ?? "", copy: !m.VolumeOptions?.NoCopy, labels: labels && Object.keys(labels).length ? labels : undefined };
    }
    case "tmpfs":
      extra("BindOptions", m.BindOptions);
      extra("VolumeOptions", m.VolumeOptions);
      extra("Source", m.Source);
      return out;
    default:
      throw fail("mount type unknown");
  }
}

/** moby's ConvertTmpfsOptions: a tmpfs mount's data ("ro", "mode=1770", "size=64m"). */
export function tmpfsData(m: Pick<ApiMount, "ReadOnly" | "TmpfsOptions">): string {
  const out: string[] = [];
  if (m.ReadOnly) out.push("ro");
  const o = m.TmpfsOptions;
  if (o?.Mode) out.push(`mode=${o.Mode.toString(8)}`);
  if (o?.SizeBytes) {
    let size = o.SizeBytes;
    let suffix = "";
    for (const [s, d] of [["g", 2 ** 30], ["m", 2 ** 20], ["k", 2 ** 10]] as const) {
      if (size % d === 0) {
        size /= d;
        suffix = s;
        break;
      }
    }
    out.push(`size=${size}${suffix}`);
  }
  return out.join(",");
}
