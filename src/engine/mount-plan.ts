// A container's mounts from every source docker reads, with docker's precedence (moby
// daemon/volumes.go registerMountPoints, then create_unix.go for the image's volumes). Pure:
//   1. --volumes-from C[:ro|:rw]: C's volume and bind mounts at the same destinations (a volume
//      is shared, never copied up again; `:ro` makes them read-only, a read-only one stays so);
//   2. -v and --mount, which replace a --volumes-from mount at the same destination; two of them
//      (or one and a --tmpfs) on one destination are docker's "Duplicate mount point";
//   3. the image's VOLUME declarations: an anonymous volume each (copied up, removed with the
//      container by rm -v / --rm), unless a mount above or a --tmpfs has that destination.
// Then specMounts turns the recorded mounts into the OCI spec's at every start.
import { UserError } from "../common/errors.ts";
import type { Mount } from "../oci/spec.ts";
import { checkMount, cleanPath, tmpfsData } from "./mount-spec.ts";
import type { ApiMount, ContainerJSON, MountPoint } from "./types.ts";
import { generateVolumeName, parseBinds, type BindSpec } from "./volume-spec.ts";

const PROPAGATIONS = new Set(["private", "rprivate", "shared", "rshared", "slave", "rslave"]);

/** One mount of a container being created: what inspect shows, and what creating it takes. */
export interface PlannedMount {
  point: MountPoint;
  /** A volume: labelled anonymous when it is made (rm -v and --rm remove it). */
  anonymous?: boolean;
  /** A volume: labels it gets when it is made (--mount volume-label=). */
  labels?: Record<string, string>;
  /** A volume: copy-up of the image's files while it is empty. */
  copy?: boolean;
  /** A bind whose host path is missing: made as a directory (-v) or refused (--mount), as docker. */
  missingSource?: "create" | "refuse";
  /** The image's VOLUME: refused where the image has a file (docker's "cannot mount volume over existing file"). */
  fromImage?: boolean;
}

export interface MountInputs {
  binds?: readonly string[] | null;
  mounts?: readonly ApiMount[];
  /** --volumes-from's mounts, resolved (volumesFromMounts). */
  volumesFrom?: readonly MountPoint[];
  tmpfs?: Record<string, string>;
  imageVolumes?: Record<string, object> | null;
  /** A volume's directory (its MountPoint Source). */
  volumeDir: (name: string) => string;
}

/** moby's ParseVolumesFrom: `C`, `C:ro`, `C:rw`; propagation and copy modes are refused. */
export function parseVolumesFrom(spec: string): { ref: string; rw: boolean } {
  if (!spec) throw new UserError("volumes-from specification cannot be an empty string", 125);
  const i = spec.indexOf(":");
  const ref = i < 0 ? spec : spec.slice(0, i);
  const mode = i < 0 ? "" : spec.slice(i + 1);
  const flags = mode.split(",");
  if (mode && !flags.every((f) => f === "ro" || f === "rw" || f === "z" || f === "Z")) throw new UserError(`invalid mode: ${mode}`, 125);
  return { ref, rw: !flags.includes("ro") };
}

/** --volumes-from → the other containers' volume and bind mounts; `lookup` gives a container's Mounts. */
export function volumesFromMounts(specs: readonly string[] | null | undefined, lookup: (ref: string) => readonly MountPoint[] | undefined): MountPoint[] {
  const out: MountPoint[] = [];
  for (const spec of specs ?? []) {
    const { ref, rw } = parseVolumesFrom(spec);
    const mounts = lookup(ref);
    if (!mounts) throw new UserError(`No such container: ${ref}`, 125);
    for (const m of mounts) if (m.Type === "volume" || m.Type === "bind") out.push({ ...m, RW: m.RW && rw });
  }
  return out;
}

function fromBind(b: BindSpec, volumeDir: MountInputs["volumeDir"]): PlannedMount {
  const destination = cleanPath(b.destination);
  if (b.kind === "bind") {
    const propagation = b.mode.split(",").find((f) => PROPAGATIONS.has(f)) ?? "rprivate";
    return { point: { Type: "bind", Source: cleanPath(b.source), Destination: destination, Mode: b.mode, RW: b.rw, Propagation: propagation }, missingSource: "create" };
  }
  // moby's setBindModeIfNull: a named volume of the local driver shows Mode "z".
  const mode = b.anonymous ? b.mode : b.mode || "z";
  return {
    point: { Type: "volume", Name: b.name, Source: volumeDir(b.name), Destination: destination, Driver: "local", Mode: mode, RW: b.rw, Propagation: "" },
    anonymous: b.anonymous, copy: b.copy,
  };
}

function fromMount(m: ApiMount, volumeDir: MountInputs["volumeDir"]): PlannedMount {
  const c = checkMount(m);
  if (c.type === "bind")
    return { point: { Type: "bind", Source: c.source, Destination: c.destination, Mode: "", RW: c.rw, Propagation: c.propagation }, missingSource: "refuse" };
  if (c.type === "tmpfs") return { point: { Type: "tmpfs", Source: "", Destination: c.destination, Mode: "", RW: c.rw, Propagation: "" } };
  const name = c.source || generateVolumeName();
  return {
    point: { Type: "volume", Name: name, Source: volumeDir(name), Destination: c.destination, Driver: "local", Mode: "z", RW: c.rw, Propagation: "" },
    anonymous: !c.source, copy: c.copy, labels: c.labels,
  };
}

/** Every mount of a new container, in docker's precedence; docker's refusals (exit 125) otherwise. */
export function planMounts(i: MountInputs): PlannedMount[] {
  const byDest = new Map<string, PlannedMount>();
  for (const m of i.volumesFrom ?? []) byDest.set(m.Destination, { point: { ...m } });
  const tmpfs = new Set(Object.keys(i.tmpfs ?? {}).map(cleanPath));
  const explicit = new Set<string>();
  const add = (p: PlannedMount, shown: string) => {
    const dst = p.point.Destination;
    if (explicit.has(dst) || tmpfs.has(dst)) throw new UserError(`Duplicate mount point: ${shown}`, 125);
    explicit.add(dst);
    byDest.set(dst, p);
  };
  for (const b of parseBinds(i.binds)) {
    const p = fromBind(b, i.volumeDir);
    add(p, p.point.Destination);
  }
  for (const m of i.mounts ?? []) add(fromMount(m, i.volumeDir), m.Target);
  for (const spec of Object.keys(i.imageVolumes ?? {})) {
    const dst = cleanPath(spec);
    if (byDest.has(dst) || tmpfs.has(dst) || !dst.startsWith("/")) continue;
    const name = generateVolumeName();
    byDest.set(dst, {
      point: { Type: "volume", Name: name, Source: i.volumeDir(name), Destination: dst, Driver: "local", Mode: "", RW: true, Propagation: "" },
      anonymous: true, copy: true, fromImage: true,
    });
  }
  return [...byDest.values()];
}

/** The recorded mounts (and --tmpfs) → the OCI spec's mounts, at every start. */
export function specMounts(doc: Pick<ContainerJSON, "Mounts" | "HostConfig">): Mount[] {
  const given = new Map((doc.HostConfig.Mounts ?? []).map((m) => [cleanPath(m.Target), m]));
  const mounts: Mount[] = doc.Mounts.map((m) => {
    const spec = given.get(m.Destination);
    if (m.Type === "tmpfs") {
      // moby oci_linux.go: a tmpfs MountPoint is noexec,nosuid,nodev plus its options.
      const data = spec ? tmpfsData(spec) : m.RW ? "" : "ro";
      return { destination: m.Destination, type: "tmpfs", source: "tmpfs", options: ["noexec", "nosuid", "nodev", "rprivate", ...(data ? data.split(",") : [])] };
    }
    const recursive = !(m.Type === "bind" && spec?.Type === "bind" && spec.BindOptions?.NonRecursive);
    return { destination: m.Destination, type: "bind", source: m.Source, options: [recursive ? "rbind" : "bind", m.RW ? "rw" : "ro", m.Propagation || "rprivate"] };
  });
  for (const [dst, opts] of Object.entries(doc.HostConfig.Tmpfs ?? {})) {
    mounts.push({ destination: dst, type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", ...(opts ? opts.split(",") : [])] });
  }
  return mounts;
}
