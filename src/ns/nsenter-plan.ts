// `nsbox nsenter` options -> the launcher's plan (pure). Like util-linux nsenter(1): every
// namespace file (and -r/-w directory) is opened before the first setns; a user namespace is
// entered first when that grants rights (the launcher orders joins); entering a PID namespace
// forks so the program really runs inside it, unless -F.
import { resolvePath } from "../common/path.ts";
import { UserError } from "../common/errors.ts";
import type { LaunchPlan, NamespaceRef } from "../linux/plan.ts";
import type { NsenterOptions } from "./nsenter-options.ts";
import { CLONE_FLAG, NS_TYPES, type NsType } from "./types.ts";
import { envList, programArgs, programArgv0 } from "./program.ts";

export interface NsenterContext {
  /** Host PID of the target (-t resolved: a PID, or a container's init). */
  targetPid?: number;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether this kernel has the namespace type at all (/proc/self/ns/TYPE exists). */
  kernelHas(type: NsType): boolean;
  /** Whether the target is in our own user namespace (setns into it would fail: -a skips it). */
  sameUserNamespace(): boolean;
  /** Whether the user namespace being entered has setgroups denied (/proc/PID/setgroups). */
  setgroupsDenied(): boolean;
  /** Whether the namespace file at `path` is the namespace of this type we are already in. */
  alreadyIn(type: NsType, path: string): boolean;
}

export function nsenterPlan(o: NsenterOptions, ctx: NsenterContext): LaunchPlan {
  const enter = new Map(o.enter);
  if (o.all) {
    if (ctx.targetPid === undefined) throw new UserError("no target PID specified for --all");
    for (const t of NS_TYPES) {
      if (enter.has(t) || !ctx.kernelHas(t)) continue;
      if (t === "user" && ctx.sameUserNamespace()) continue;
      enter.set(t, undefined);
    }
  }
  const fromTarget = (what: string): string => {
    if (ctx.targetPid === undefined) throw new UserError(`neither filename nor target pid supplied for ${what}`);
    return `/proc/${ctx.targetPid}/${what}`;
  };
  const join: NamespaceRef[] = [];
  let sameMount = false;
  for (const t of NS_TYPES) {
    if (!enter.has(t)) continue;
    const file = enter.get(t);
    const path = file !== undefined ? resolvePath(ctx.cwd, file) : fromTarget(`ns/${t}`);
    // The launcher joins a user namespace first. util-linux instead tries the others first too,
    // so entering a *less* privileged user namespace (-a on `unshare -r` process) still joins
    // the caller's own namespaces, which it owns no more once inside. Joining a namespace we are
    // already in changes nothing (but for mnt: cwd goes to its root), so leave those out.
    if (t !== "user" && enter.has("user") && ctx.alreadyIn(t, path)) {
      if (t === "mnt") sameMount = true;
      continue;
    }
    join.push({ type: CLONE_FLAG[t], path });
  }
  const plan: LaunchPlan = {
    args: programArgs(o.program, ctx.env),
    argv0: programArgv0(o.program, ctx.env),
    env: envList(ctx.env),
    foreground: true,
    // Fork only where it matters, as util-linux: into a PID namespace, unless -F.
    noFork: !(enter.has("pid") && !o.noFork),
    join: join.length ? join : undefined,
  };
  if (o.root !== undefined) plan.enterRoot = o.root === true ? fromTarget("root") : resolvePath(ctx.cwd, o.root);
  if (o.wd !== undefined) plan.enterCwd = o.wd === true ? fromTarget("cwd") : resolvePath(ctx.cwd, o.wd);
  // util-linux keeps the caller's working directory (opened before the chroot) when only -r is given.
  else if (plan.enterRoot !== undefined) plan.enterCwd = ctx.cwd;
  // setns(CLONE_NEWNS), even into our own mount namespace, moves us to its root.
  else if (sameMount) plan.enterCwd = "/";

  // In a user namespace nsenter becomes root of it (uid 0, gid 0, no groups) unless told otherwise.
  const becomeRoot = enter.has("user") && !o.preserveCredentials;
  const uid = o.setuid ?? (becomeRoot ? 0 : undefined);
  const gid = o.setgid ?? (becomeRoot ? 0 : undefined);
  if (uid !== undefined) plan.uid = uid;
  if (gid !== undefined) plan.gid = gid;
  // util-linux drops supplementary groups before entering (as the caller) and tolerates the
  // refusal inside a namespace that denies setgroups; the launcher tolerates it when told so.
  if (gid !== undefined && enter.has("user") && ctx.setgroupsDenied()) plan.setgroupsDeny = true;
  return plan;
}
