// `nsbox unshare`: run a program in new namespaces, with util-linux unshare(1)'s options, through
// nsbox's own launcher.
import { UserError } from "../../common/errors.ts";
import { resolvePath } from "../../common/path.ts";
import { printOut } from "../../common/output.ts";
import { trace } from "../../common/trace.ts";
import { pathExists } from "../../linux/libc.ts";
import { unshareContext } from "../../ns/host-context.ts";
import { runForeground } from "../../ns/run-plan.ts";
import { parseUnshareArgs } from "../../ns/unshare-options.ts";
import { unsharePlan } from "../../ns/unshare-plan.ts";

export const summary = "Run a program with some namespaces unshared from the parent (like unshare(1))";

const HELP = `Usage:
 nsbox unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options:
 -m, --mount[=<file>]      unshare mounts namespace
 -u, --uts[=<file>]        unshare UTS namespace (hostname etc)
 -i, --ipc[=<file>]        unshare System V IPC namespace
 -n, --net[=<file>]        unshare network namespace
 -p, --pid[=<file>]        unshare pid namespace
 -U, --user[=<file>]       unshare user namespace
 -C, --cgroup[=<file>]     unshare cgroup namespace
 -T, --time[=<file>]       unshare time namespace

 -f, --fork                fork before launching <program>
 --map-user=<uid>|<name>   map current user to uid (implies --user)
 --map-group=<gid>|<name>  map current group to gid (implies --user)
 -r, --map-root-user       map current user to root (implies --user)
 -c, --map-current-user    map current user to itself (implies --user)
 --map-auto                map users and groups automatically (implies --user)
 --map-users=<outeruid>,<inneruid>,<count>
                           map count users from outeruid to inneruid (implies --user)
 --map-groups=<outergid>,<innergid>,<count>
                           map count groups from outergid to innergid (implies --user)

 --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)
                             defaults to SIGKILL
 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)
 --propagation slave|shared|private|unchanged
                           modify mount propagation in mount namespace
 --setgroups allow|deny    control the setgroups syscall in user namespaces

 -R, --root=<dir>          run the command with root directory set to <dir>
 -w, --wd=<dir>            change working directory to <dir>
 -S, --setuid <uid>        set uid in entered namespace
 -G, --setgid <gid>        set gid in entered namespace
 --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces
 --boottime <offset>       set clock boottime offset (seconds) in time namespaces

 -h, --help                display this help
 -V, --version             display version
`;

export async function run(argv: string[]): Promise<number> {
  trace("unshare: loaded");
  const o = parseUnshareArgs(argv, process.geteuid!(), process.getegid!());
  if (o.help) return printOut(HELP.trimEnd()), 0;
  if (o.version) return console.log("nsbox unshare (nsbox 0.1.0)"), 0;
  // Checked here so a typo fails before any namespace exists (util-linux fails after unshare(2)).
  for (const [type, file] of o.create) {
    if (file !== undefined && !pathExists(resolvePath(file))) {
      throw new UserError(`cannot persist the ${type} namespace on ${file}: no such file (create it first, e.g. touch ${file})`);
    }
  }
  const plan = unsharePlan(o, unshareContext());
  trace("unshare: planned");
  return runForeground(plan);
}
