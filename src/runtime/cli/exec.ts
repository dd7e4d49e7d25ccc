// exec: argument handling over ../exec.ts. Flags end at the container id; the rest is the command.
import { UserError } from "../../common/errors.ts";
import { parseFlags } from "../../common/flags.ts";
import { exec } from "../exec.ts";
import type { GlobalOptions } from "../main.ts";
import { preservedFds } from "./preserve-fds.ts";

export async function execCommand(argv: string[], g: GlobalOptions): Promise<number> {
  const { values: v, positionals } = parseFlags(
    argv,
    {
      process: { type: "string", short: "p" },
      tty: { type: "boolean", short: "t" },
      detach: { type: "boolean", short: "d" },
      "pid-file": { type: "string" },
      "console-socket": { type: "string" },
      env: { type: "string", short: "e", multiple: true },
      cwd: { type: "string" },
      user: { type: "string", short: "u" },
      "additional-gids": { type: "string", short: "g", multiple: true },
      cap: { type: "string", short: "c", multiple: true },
      "no-new-privs": { type: "boolean" },
      "process-label": { type: "string" },
      apparmor: { type: "string" },
      "preserve-fds": { type: "string" },
      cgroup: { type: "string", multiple: true },
      "ignore-paused": { type: "boolean" },
    },
    "exec",
  );
  const [id, ...args] = positionals;
  if (!id) throw new UserError("exec: expected a container id");
  return exec(g.store, {
    id,
    args,
    processFile: v.process as string | undefined,
    tty: !!v.tty,
    detach: !!v.detach,
    pidFile: v["pid-file"] as string | undefined,
    consoleSocket: v["console-socket"] as string | undefined,
    env: v.env as string[] | undefined,
    cwd: v.cwd as string | undefined,
    user: v.user as string | undefined,
    additionalGids: (v["additional-gids"] as string[] | undefined)?.map((g) => {
      if (!/^\d+$/.test(g)) throw new UserError(`exec ${id}: --additional-gids "${g}": not a group id`);
      return Number(g);
    }),
    capabilities: v.cap as string[] | undefined,
    noNewPrivileges: !!v["no-new-privs"],
    passFds: preservedFds(v["preserve-fds"] as string | undefined, `exec ${id}`),
    apparmorProfile: v.apparmor as string | undefined,
    selinuxLabel: v["process-label"] as string | undefined,
    cgroups: v.cgroup as string[] | undefined,
    ignorePaused: !!v["ignore-paused"],
  });
}
