// `nsbox unshare` options -> the launcher's plan (pure). The order of effects follows util-linux
// unshare(1): user namespace and id maps first, then the other namespaces, persisting bind mounts
// from the parent's mount namespace, root propagation, chroot/chdir, --mount-proc, then -G/-S.
import { resolvePath } from "../common/path.ts";
import { UserError } from "../common/errors.ts";
import { MS } from "../linux/plan-ids.ts";
import type { LaunchPlan, MountStep } from "../linux/plan.ts";
import { findSubidRange, resolveUser } from "./parse-values.ts";
import { envList, programArgs, programArgv0 } from "./program.ts";
import { CLONE_FLAG, NS_TYPES } from "./types.ts";
import type { IdRange, UnshareOptions } from "./unshare-options.ts";

/** What the plan depends on besides the options: who we are and a few files, read by the caller. */
export interface UnshareContext {
  euid: number;
  egid: number;
  userName: string;
  cwd: string;
  env: Record<string, string | undefined>;
  passwd: string;
  group: string;
  subuid: string;
  subgid: string;
  /** Whether a path (in the current mount namespace) is a mount point. */
  isMountPoint(path: string): boolean;
}

const PROPAGATION_FLAGS = { private: MS.PRIVATE, slave: MS.SLAVE, shared: MS.SHARED } as const;

/** uid_map/gid_map text: the single "caller becomes X" line first, then ranges; no overlaps. */
export function idMapText(single: IdRange | undefined, ranges: IdRange[], what: string): string | undefined {
  const all = single ? [single, ...ranges] : ranges;
  if (!all.length) return undefined;
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i]!, all[j]!];
      const overlap = (x: number, xn: number, y: number, yn: number) => x < y + yn && y < x + xn;
      if (overlap(a.inner, a.count, b.inner, b.count) || overlap(a.outer, a.count, b.outer, b.count)) {
        throw new UserError(`${what} mappings overlap: '${a.inner} ${a.outer} ${a.count}' and '${b.inner} ${b.outer} ${b.count}'`);
      }
    }
  }
  if (all.length > 340) throw new UserError(`too many ${what} mappings (the kernel takes at most 340)`);
  return all.map((r) => `${r.inner} ${r.outer} ${r.count}`).join("\n") + "\n";
}

function autoRange(text: string, file: string, ctx: UnshareContext): IdRange {
  const r = findSubidRange(text, ctx.userName, ctx.euid);
  if (!r) throw new UserError(`no line matching user "${ctx.userName}" in ${file}`);
  return { inner: 0, outer: r.start, count: r.count };
}

export function unsharePlan(o: UnshareOptions, ctx: UnshareContext): LaunchPlan {
  const creates = (t: (typeof NS_TYPES)[number]) => o.create.has(t);
  let newNamespaces = 0;
  for (const t of o.create.keys()) newNamespaces |= CLONE_FLAG[t];
  const plan: LaunchPlan = {
    args: programArgs(o.program, ctx.env),
    argv0: programArgv0(o.program, ctx.env),
    env: envList(ctx.env),
    foreground: true,
    // Without --fork the program itself is what unshare(2) ran in: it is not in a new PID (or
    // time) namespace, only its children are, exactly as with util-linux.
    noFork: !o.fork,
    newNamespaces: newNamespaces || undefined,
  };
  // Persisting: each namespace file bind-mounted onto its path (which must exist, like util-linux).
  const persist = [...o.create].filter(([, file]) => file !== undefined);
  if (persist.length) plan.persist = persist.map(([t, file]) => ({ type: CLONE_FLAG[t], path: resolvePath(ctx.cwd, file!) }));

  if (creates("user")) {
    const uidSingle = o.mapUser !== undefined ? { inner: resolveUser(o.mapUser, ctx.passwd), outer: ctx.euid, count: 1 } : undefined;
    const gidSingle = o.mapGroup !== undefined ? { inner: resolveUser(o.mapGroup, ctx.group, "group"), outer: ctx.egid, count: 1 } : undefined;
    const uidRanges = [...o.mapUsers, ...(o.mapAuto ? [autoRange(ctx.subuid, "/etc/subuid", ctx)] : [])];
    const gidRanges = [...o.mapGroups, ...(o.mapAuto ? [autoRange(ctx.subgid, "/etc/subgid", ctx)] : [])];
    plan.uidMap = idMapText(uidSingle, uidRanges, "uid");
    plan.gidMap = idMapText(gidSingle, gidRanges, "gid");
    // An unprivileged gid_map write needs setgroups denied first; util-linux denies whenever it
    // maps a single group itself (-r, -c, --map-group).
    plan.setgroupsDeny = o.setgroups === "deny" || (gidSingle !== undefined && gidRanges.length === 0) || undefined;
  } else if (o.setgroups) {
    throw new UserError("--setgroups needs a new user namespace (-U)");
  }

  if (creates("mnt") && o.propagation !== "unchanged") plan.rootPropagation = MS.REC | PROPAGATION_FLAGS[o.propagation];
  if (o.root !== undefined) plan.enterRoot = resolvePath(ctx.cwd, o.root);
  // -w is a path inside the new root when there is one (util-linux does chroot, then chdir).
  if (o.wd !== undefined) plan.enterCwd = o.root !== undefined && o.wd.startsWith("/") ? resolvePath(plan.enterRoot!, "." + o.wd) : resolvePath(ctx.cwd, o.wd);

  if (o.mountProc !== undefined) {
    const mounts: MountStep[] = [];
    // With propagation other than private, a proc mounted over the existing /proc would
    // propagate back to the parent namespace: make that mount private first (util-linux does).
    if (o.root === undefined && o.propagation !== "private" && ctx.isMountPoint(resolvePath(ctx.cwd, o.mountProc))) {
      mounts.push({ destination: resolvePath(ctx.cwd, o.mountProc), flags: MS.REC | MS.PRIVATE });
    }
    const dest = o.root !== undefined ? resolvePath("/", o.mountProc) : resolvePath(ctx.cwd, o.mountProc);
    mounts.push({ source: "proc", destination: dest, type: "proc", flags: MS.NOSUID | MS.NOEXEC | MS.NODEV });
    plan.mounts = mounts;
  }
  const offsets = [
    ...(o.monotonic !== undefined ? [`monotonic ${o.monotonic} 0`] : []),
    ...(o.boottime !== undefined ? [`boottime ${o.boottime} 0`] : []),
  ];
  if (offsets.length) plan.timeOffsets = offsets.join("\n") + "\n";
  if (o.setgid !== undefined) plan.gid = o.setgid;
  if (o.setuid !== undefined) plan.uid = o.setuid;
  if (o.killChild !== undefined) plan.pdeathsig = o.killChild;
  return plan;
}
