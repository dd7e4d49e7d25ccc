// `nsbox wait [--condition not-running|next-exit|removed] CONTAINER...`: prints each exit code.
// --condition is the Docker Engine API's wait condition (the docker CLI does not expose it).
import { printErr } from "../../common/output.ts";
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { parseWaitCondition } from "../../engine/wait.ts";

export const summary = "Block until one or more containers stop, then print their exit codes";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { condition: { type: "string" } }, "wait");
  if (v.help) return console.log(usage("wait [OPTIONS] CONTAINER [CONTAINER...]", summary, ["--condition string   not-running (default), next-exit or removed"])), 0;
  const condition = parseWaitCondition(v.condition as string | undefined);
  if (!positionals.length) throw new UserError('"wait" requires at least 1 argument.', 1);
  const e = openEngine(v);
  let failed = false;
  for (const ref of positionals) {
    try {
      console.log(await e.wait(ref, condition));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: ${err.message}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
