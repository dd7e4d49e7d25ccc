// From `linux.cgroupsPath` to one directory per hierarchy.
//
//   ""/missing            -> "/nsbox-runtime/<id>", absolute in every hierarchy
//   "/a/b"                -> absolute in every hierarchy: <mountpoint>/a/b
//   "a/b"                 -> relative to this process's own cgroup in each hierarchy, as runc's
//                            cgroupfs driver does (e.g. <memory mount>/process_api/X/a/b)
//   "slice:prefix:name"   -> systemd's form. nsbox has no systemd driver (--systemd-cgroup is
//                            accepted, cgroupfs is used), so it is expanded to the cgroupfs path
//                            systemd itself would use: "machine-x.slice:libpod:c1" ->
//                            "/machine.slice/machine-x.slice/libpod-c1.scope". runc without
//                            --systemd-cgroup would instead make one directory literally named
//                            "machine-x.slice:libpod:c1"; nobody means that.
// Every form is cleaned like runc's CleanPath: ".." cannot climb out of the hierarchy.
import { posix } from "node:path";
import { pickForController, type CgroupLayout, type CgroupVersion, type Hierarchy, type LayoutKind } from "./layout.ts";
import { CgroupConfigError } from "./errors.ts";

export interface CgroupPath {
  absolute: boolean;
  /** Cleaned; starts with "/" when absolute, never contains "..". */
  path: string;
}

export const DEFAULT_CGROUP_PARENT = "/nsbox-runtime";

/** Expands a systemd slice name: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice". */
export function expandSlice(slice: string): string {
  if (!slice.endsWith(".slice") || slice.includes("/")) {
    throw new CgroupConfigError("linux.cgroupsPath", `invalid systemd slice name "${slice}"`);
  }
  const base = slice.slice(0, -".slice".length);
  if (base === "-") return "/";
  if (base === "" || base.startsWith("-") || base.endsWith("-") || base.includes("--")) {
    throw new CgroupConfigError("linux.cgroupsPath", `invalid systemd slice name "${slice}"`);
  }
  let path = "";
  let prefix = "";
  for (const part of base.split("-")) {
    prefix = prefix ? `${prefix}-${part}` : part;
    path += `/${prefix}.slice`;
  }
  return path;
}

function systemdToPath(spec: string): string | undefined {
  const parts = spec.split(":");
  if (parts.length !== 3 || spec.includes("/")) return undefined;
  const [slice, prefix, name] = parts;
  if (slice !== "" && !slice.endsWith(".slice")) return undefined;
  if (!name) throw new CgroupConfigError("linux.cgroupsPath", `systemd-style "${spec}" has no unit name`);
  const parent = expandSlice(slice || "system.slice");
  const unit = name.endsWith(".slice") ? expandSlice(name).split("/").pop()! : `${prefix ? prefix + "-" : ""}${name}.scope`;
  return posix.join(parent, unit);
}

/** Resolves `linux.cgroupsPath` (see the file comment). */
export function resolveCgroupPath(cgroupsPath: string | undefined, containerId: string): CgroupPath {
  if (!cgroupsPath) {
    if (!containerId || containerId.includes("/")) {
      throw new CgroupConfigError("linux.cgroupsPath", `cannot derive a cgroup from container id "${containerId}"`);
    }
    return { absolute: true, path: `${DEFAULT_CGROUP_PARENT}/${containerId}` };
  }
  const systemd = systemdToPath(cgroupsPath);
  const raw = systemd ?? cgroupsPath;
  const absolute = raw.startsWith("/");
  // Clean against "/" so ".." stops at the top, then drop the leading "/" of relative paths.
  const cleaned = posix.normalize("/" + raw).replace(/\/+$/, "") || "/";
  if (cleaned === "/") {
    throw new CgroupConfigError("linux.cgroupsPath", `"${cgroupsPath}" names the root cgroup; a container needs its own`);
  }
  return { absolute, path: absolute ? cleaned : cleaned.slice(1) };
}

/** One container cgroup directory in one hierarchy. */
export interface CgroupDir {
  version: CgroupVersion;
  /** The hierarchy's controllers (v1) or available controllers (v2), for lookups. */
  controllers: string[];
  /** The hierarchy's mountpoint (the top of what may be created or enabled). */
  mountpoint: string;
  /** The container's directory, e.g. /sys/fs/cgroup/memory/nsbox-runtime/c1. */
  dir: string;
}

/**
 * Where a container's cgroup lives; plain data, so the runtime can keep it in state.json and
 * every later operation (pause, update, events, delete) works from it without re-resolving.
 */
export interface CgroupHandle {
  kind: LayoutKind;
  /** The resolved cgroup path ("/nsbox-runtime/c1", or relative "a/b"). */
  path: string;
  dirs: CgroupDir[];
}

export function dirInHierarchy(h: Hierarchy, p: CgroupPath): string {
  if (p.absolute) return posix.join(h.mountpoint, p.path);
  // Our own cgroup is absolute in the hierarchy; the mount may show a subtree of it.
  const own = posix.relative(h.mountRoot, h.ownPath);
  if (own.startsWith("..")) {
    throw new CgroupConfigError("linux.cgroupsPath", `own cgroup ${h.ownPath} is outside the mount ${h.mountpoint}`);
  }
  return posix.join(h.mountpoint, own, p.path);
}

/** The container's directory in every hierarchy of the layout. */
export function cgroupHandle(layout: CgroupLayout, p: CgroupPath): CgroupHandle {
  if (layout.kind === "none") throw new CgroupConfigError("linux.cgroupsPath", "no cgroup filesystem is mounted");
  return {
    kind: layout.kind,
    path: p.path,
    dirs: layout.hierarchies.map((h) => ({
      version: h.version,
      controllers: h.controllers,
      mountpoint: h.mountpoint,
      dir: dirInHierarchy(h, p),
    })),
  };
}

/** The handle's directory serving a controller (v1 name); see pickForController. */
export function dirFor(handle: CgroupHandle, controller: string): CgroupDir | undefined {
  return pickForController(handle.dirs, handle.kind, controller);
}
