// Which cgroup hierarchies this machine has, found at run time from /proc/self/mountinfo and
// /proc/self/cgroup. Three layouts exist in the wild:
//   v1      one mount per controller (or co-mounted group), no cgroup2;
//   v2      a single cgroup2 mount (unified) holding every controller;
//   hybrid  v1 controller mounts plus a cgroup2 mount (systemd's "unified" at
//           /sys/fs/cgroup/unified) that holds whichever controllers v1 did not take (often none;
//           hugetlb on the machine this was written on).
// In the hybrid layout each controller is served by the hierarchy that has it: v1 first.
import { readFileSync } from "../fs.ts";
import { cachedCgroupMounts, storeCgroupMounts } from "./layout-cache.ts";

export type CgroupVersion = 1 | 2;
export type LayoutKind = "v1" | "v2" | "hybrid" | "none";

export interface Hierarchy {
  version: CgroupVersion;
  /** Where it is mounted, e.g. /sys/fs/cgroup/memory. */
  mountpoint: string;
  /** The cgroup the mount shows as its root (mountinfo field 4): "/" unless a subtree is mounted. */
  mountRoot: string;
  /** v1: its controllers ("name=systemd" for a named one); v2: cgroup.controllers of the mount root. */
  controllers: string[];
  /** This process's cgroup in the hierarchy (from /proc/self/cgroup), absolute in the hierarchy. */
  ownPath: string;
}

export interface CgroupLayout {
  kind: LayoutKind;
  hierarchies: Hierarchy[];
}

export interface CgroupMount {
  fstype: "cgroup" | "cgroup2";
  mountpoint: string;
  root: string;
  superOptions: string[];
}

/** Mountinfo escapes space, tab, newline and backslash as octal (\040 ...). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(" ");
    const [fstype, , superOpts = ""] = line.slice(sep + 3).split(" ");
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    mounts.push({
      fstype,
      root: unescapeMountField(pre[3]),
      mountpoint: unescapeMountField(pre[4]),
      superOptions: superOpts.split(","),
    });
  }
  return mounts;
}

export interface SelfCgroupEntry {
  /** Empty for the v2 entry ("0::/path"). */
  controllers: string[];
  path: string;
}

export function parseSelfCgroup(text: string): SelfCgroupEntry[] {
  const entries: SelfCgroupEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    entries.push({ controllers: m[2] ? m[2].split(",") : [], path: m[3] });
  }
  return entries;
}

function isUnder(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(root + "/");
}

/**
 * Builds the layout from the text of /proc/self/mountinfo and /proc/self/cgroup.
 * `readV2Controllers(mountpoint)` returns the text of <mountpoint>/cgroup.controllers.
 */
export function parseLayout(
  mountinfo: string,
  selfCgroup: string,
  readV2Controllers: (mountpoint: string) => string,
): CgroupLayout {
  return layoutFromMounts(parseCgroupMounts(mountinfo), selfCgroup, readV2Controllers);
}

/** parseLayout's second half: the layout from the cgroup mounts (mountinfo's, or cached ones). */
export function layoutFromMounts(
  mounts: CgroupMount[],
  selfCgroup: string,
  readV2Controllers: (mountpoint: string) => string,
): CgroupLayout {
  const hierarchies: Hierarchy[] = [];
  for (const entry of parseSelfCgroup(selfCgroup)) {
    if (entry.controllers.length === 0) {
      // The v2 hierarchy. Prefer a mount showing our own cgroup; any cgroup2 mount otherwise.
      const cands = mounts.filter((m) => m.fstype === "cgroup2");
      const mount = cands.find((m) => isUnder(entry.path, m.root)) ?? cands[0];
      if (!mount) continue;
      const controllers = readV2Controllers(mount.mountpoint).trim().split(/\s+/).filter(Boolean);
      hierarchies.push({ version: 2, mountpoint: mount.mountpoint, mountRoot: mount.root, controllers, ownPath: entry.path });
      continue;
    }
    const cands = mounts.filter(
      (m) => m.fstype === "cgroup" && entry.controllers.every((c) => m.superOptions.includes(c)),
    );
    const mount = cands.find((m) => isUnder(entry.path, m.root)) ?? cands[0];
    if (!mount) continue; // a hierarchy that exists but is not mounted here
    hierarchies.push({
      version: 1,
      mountpoint: mount.mountpoint,
      mountRoot: mount.root,
      controllers: entry.controllers,
      ownPath: entry.path,
    });
  }
  return { kind: layoutKind(hierarchies), hierarchies };
}

function layoutKind(hs: Hierarchy[]): LayoutKind {
  const v1 = hs.some((h) => h.version === 1 && h.controllers.some((c) => !c.startsWith("name=")));
  const v2 = hs.some((h) => h.version === 2);
  if (v1 && v2) return "hybrid";
  if (v1) return "v1";
  if (v2) return "v2";
  // Only named v1 hierarchies (name=systemd) count as v1 too: nothing to limit, but a place to join.
  return hs.length ? "v1" : "none";
}

let detected: CgroupLayout | undefined;
let cacheFile: string | undefined;

/**
 * Lets detectLayout keep the cgroup mounts it reads from mountinfo in `file` (a tmpfs, e.g. the
 * engine's run root) and reuse them while they still hold (layout-cache.ts): mountinfo grows
 * with every running container's mounts, and the kernel's generating it is O(mounts) per read.
 */
export function cacheLayoutIn(file: string): void {
  cacheFile = file;
}

function readV2Controllers(mp: string): string {
  try {
    return readFileSync(`${mp}/cgroup.controllers`, "utf8");
  } catch {
    return "";
  }
}

/**
 * The layout of the machine (as seen by this process), read once: parsing mountinfo costs ~1 ms
 * in a fresh process (more with every container's mounts), and an engine command needs the
 * layout several times; the cgroup hierarchies mounted do not change under a command.
 */
export function detectLayout(): CgroupLayout {
  if (detected) return detected;
  const self = readFileSync("/proc/self/cgroup", "utf8");
  if (cacheFile) {
    const cached = cachedCgroupMounts(cacheFile);
    if (cached) {
      const layout = layoutFromMounts(cached, self, readV2Controllers);
      // A hierarchy the cached mounts do not serve may have been mounted since: read afresh.
      if (layout.hierarchies.length === parseSelfCgroup(self).length) return (detected = layout);
    }
  }
  const mounts = parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
  if (cacheFile) storeCgroupMounts(cacheFile, mounts);
  return (detected = layoutFromMounts(mounts, self, readV2Controllers));
}

/** v2 names of the v1 controllers that were renamed or folded into cpu. */
const v2Name: Record<string, string> = { blkio: "io", cpuacct: "cpu" };

/**
 * Of some per-hierarchy things (hierarchies, a container's directories), the one serving a
 * controller named as in v1 ("memory", "blkio", "freezer", ...): the v1 one that has it, else the
 * v2 one if it has the controller (or its v2 name). freezer and devices are core features of
 * every v2 cgroup (cgroup.freeze, eBPF), but only count when v2 is the main hierarchy: on the
 * hybrid layout's side mount, the v1 freezer/devices hierarchies serve them, or nothing does.
 */
export function pickForController<T extends { version: CgroupVersion; controllers: string[] }>(
  items: T[],
  kind: LayoutKind,
  controller: string,
): T | undefined {
  const v1 = items.find((h) => h.version === 1 && h.controllers.includes(controller));
  if (v1) return v1;
  const v2 = items.find((h) => h.version === 2);
  if (!v2) return undefined;
  if (v2.controllers.includes(v2Name[controller] ?? controller)) return v2;
  if ((controller === "freezer" || controller === "devices") && kind === "v2") return v2;
  return undefined;
}

export function hierarchyFor(layout: CgroupLayout, controller: string): Hierarchy | undefined {
  return pickForController(layout.hierarchies, layout.kind, controller);
}

/** A short, human name for a hierarchy: "memory", "cpu,cpuacct", "name=systemd", "unified". */
export function hierarchyName(h: Hierarchy): string {
  return h.version === 2 ? "unified" : h.controllers.join(",");
}
