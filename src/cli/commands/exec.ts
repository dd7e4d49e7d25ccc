// `nsbox exec [-d] [-i] [-t] [-e K=V] [--env-file F] [-w DIR] [-u USER] [--privileged] CONTAINER CMD...`
import { UserError } from "../../common/errors.ts";
import { checkTty, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { parseDetachKeys } from "../../engine/detach-keys.ts";
import { readEnvFile } from "../../engine/env-file.ts";
import { execInContainer } from "../../engine/exec.ts";

export const summary = "Execute a command in a running container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      detach: { type: "boolean", short: "d" }, interactive: { type: "boolean", short: "i" }, tty: { type: "boolean", short: "t" },
      env: { type: "string", short: "e", multiple: true }, "env-file": { type: "string", multiple: true }, workdir: { type: "string", short: "w" }, user: { type: "string", short: "u" },
      privileged: { type: "boolean" }, "detach-keys": { type: "string" },
    },
    "exec",
    true,
  );
  if (v.help) return console.log(usage("exec [OPTIONS] CONTAINER COMMAND [ARG...]", summary, ["-d, --detach", "-i, --interactive", "-t, --tty", "-e, --env list", "--env-file list      read in a file of environment variables", "-w, --workdir string", "-u, --user string", "--privileged", "--detach-keys string   e.g. ctrl-a,x (default ctrl-p,ctrl-q)"])), 0;
  const [ref, ...cmd] = positionals;
  if (!ref || !cmd.length) throw new UserError('"exec" requires at least 2 arguments.', 1);
  // docker exec (23+): the files' variables first, then -e's, as run does.
  const envFiles = ((v["env-file"] as string[] | undefined) ?? []).flatMap((f) => readEnvFile(f));
  const env = [...envFiles, ...((v.env as string[] | undefined) ?? [])];
  const detachKeys = parseDetachKeys(v["detach-keys"] as string | undefined);
  if (!v.detach) await checkTty(!!v.interactive, !!v.tty);
  const e = openEngine(v);
  return execInContainer(e, ref, {
    cmd, tty: !!v.tty, interactive: !!v.interactive, detach: !!v.detach, env: env.length ? env : undefined,
    workdir: v.workdir as string | undefined, user: v.user as string | undefined, privileged: !!v.privileged, detachKeys,
  });
}
