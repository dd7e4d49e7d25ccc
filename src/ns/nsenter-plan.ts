// `nsbox nsenter` options -> the launcher's plan (pure). Like util-linux nsenter(1): every
// namespace file (and -r/-w directory) is opened before the first setns; a user namespace is
// entered first when that grants rights (the launcher orders joins); entering a PID namespace
// forks so the program really runs inside it, unless -F.
import { resolve } from "node:path";
import { UserError } from "../common/errors.ts";
import type { LaunchPlan, NamespaceRef } from "../linux/plan.ts";
import type { NsenterOptions } from "./nsenter-options.ts";
import { CLONE_FLAG, NS_TYPES, type NsType } from "./types.ts";
import { envList, programArgs } from "./program.ts";

export interface NsenterContext {
  /** Host PID of the target (-t resolved: a PID, or a container's init). */
  targetPid?: number;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether this kernel has the namespace type at all (/proc/self/ns/TYPE exists). */
  kernelHas(type: NsType): boolean;
  /** Whether the target is in our own user namespace (setns into it would fail: -a skips it). */
  sameUserNamespace(): boolean;
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
  for (const t of NS_TYPES) {
    if (!enter.has(t)) continue;
    const file = enter.get(t);
    join.push({ type: CLONE_FLAG[t], path: file !== undefined ? resolve(ctx.cwd, file) : fromTarget(`ns/${t}`) });
  }
  const plan: LaunchPlan = {
    args: programArgs(o.program, ctx.env),
    env: envList(ctx.env),
    foreground: true,
    // Fork only where it matters, as util-linux: into a PID namespace, unless -F.
    noFork: !(enter.has("pid") && !o.noFork),
    join: join.length ? join : undefined,
  };
  if (o.root !== undefined) plan.enterRoot = o.root === true ? fromTarget("root") : resolve(ctx.cwd, o.root);
  if (o.wd !== undefined) plan.enterCwd = o.wd === true ? fromTarget("cwd") : resolve(ctx.cwd, o.wd);
  // util-linux keeps the caller's working directory (opened before the chroot) when only -r is given.
  else if (plan.enterRoot !== undefined) plan.enterCwd = ctx.cwd;

  // In a user namespace nsenter becomes root of it (uid 0, gid 0, no groups) unless told otherwise.
  const becomeRoot = enter.has("user") && !o.preserveCredentials;
  const uid = o.setuid ?? (becomeRoot ? 0 : undefined);
  const gid = o.setgid ?? (becomeRoot ? 0 : undefined);
  if (uid !== undefined) plan.uid = uid;
  if (gid !== undefined) plan.gid = gid;
  return plan;
}
