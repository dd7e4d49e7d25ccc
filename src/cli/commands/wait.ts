// `nsbox wait CONTAINER...`: prints each exit code.
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { waitContainer } from "../../engine/ops.ts";

export const summary = "Block until one or more containers stop, then print their exit codes";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {}, "wait");
  if (v.help) return console.log(usage("wait CONTAINER [CONTAINER...]", summary)), 0;
  if (!positionals.length) throw new UserError('"wait" requires at least 1 argument.', 1);
  const e = openEngine(v);
  let failed = false;
  for (const ref of positionals) {
    try {
      console.log(await waitContainer(e, ref));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`nsbox: ${err.message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
