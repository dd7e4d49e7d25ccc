// `nsbox nsenter`: run a program in the namespaces of a process or nsbox container, with
// util-linux nsenter(1)'s options, through nsbox's own launcher.
import { UserError } from "../../common/errors.ts";
import { printOut } from "../../common/output.ts";
import { trace } from "../../common/trace.ts";
import { pathExists } from "../../linux/libc.ts";
import { checkNamespaceFile, nsenterContext } from "../../ns/host-context.ts";
import { parseNsenterArgs } from "../../ns/nsenter-options.ts";
import { nsenterPlan } from "../../ns/nsenter-plan.ts";
import { runForeground } from "../../ns/run-plan.ts";
import { containerLabel } from "../../ns/types.ts";

export const summary = "Run a program in the namespaces of a process or container (like nsenter(1))";

const HELP = `Usage:
 nsbox nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all              enter all namespaces
 -t, --target <pid>     target process (or nsbox container name/ID) to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -u, --uts[=<file>]     enter UTS namespace (hostname etc)
 -i, --ipc[=<file>]     enter System V IPC namespace
 -n, --net[=<file>]     enter network namespace
 -p, --pid[=<file>]     enter pid namespace
 -C, --cgroup[=<file>]  enter cgroup namespace
 -U, --user[=<file>]    enter user namespace
 -T, --time[=<file>]    enter time namespace
 -S, --setuid <uid>     set uid in entered namespace
 -G, --setgid <gid>     set gid in entered namespace
     --preserve-credentials do not touch uids or gids
 -r, --root[=<dir>]     set the root directory
 -w, --wd[=<dir>]       set the working directory
 -F, --no-fork          do not fork before exec'ing <program>
 -Z, --follow-context   set SELinux context according to --target PID

 -h, --help             display this help
 -V, --version          display version
`;

async function resolveTargetPid(target: string): Promise<number> {
  if (/^\d+$/.test(target)) {
    const pid = Number(target);
    if (pid <= 0 || !pathExists(`/proc/${pid}`)) throw new UserError(`no such process: ${target}`);
    return pid;
  }
  // Container lookup modules only for a name: a PID target (the common, timed case) skips them.
  const [{ listContainers }, { findContainer }] = await Promise.all([
    import("../../ns/containers.ts"),
    import("../../ns/targets.ts"),
  ]);
  const c = findContainer(target, await listContainers());
  if (!c) throw new UserError(`no such container or process: ${target}`);
  if (!pathExists(`/proc/${c.pid}`)) throw new UserError(`container ${containerLabel(c)} is not running`);
  return c.pid;
}

export async function run(argv: string[]): Promise<number> {
  trace("nsenter: loaded");
  const o = parseNsenterArgs(argv);
  if (o.help) return printOut(HELP.trimEnd()), 0;
  if (o.version) return console.log("nsbox nsenter (nsbox 0.1.0)"), 0;
  if (o.followContext && pathExists("/sys/fs/selinux/enforce")) throw new UserError("--follow-context is not supported yet");
  const targetPid = o.target === undefined ? undefined : await resolveTargetPid(o.target);
  for (const [type, file] of o.enter) if (file !== undefined) checkNamespaceFile(file, type);
  const plan = nsenterPlan(o, nsenterContext(targetPid));
  trace("nsenter: planned");
  return runForeground(plan);
}
