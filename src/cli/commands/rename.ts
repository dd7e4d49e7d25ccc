// `nsbox rename CONTAINER NEW_NAME`
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { checkName } from "../../engine/names.ts";

export const summary = "Rename a container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {}, "rename");
  if (v.help) return console.log(usage("rename CONTAINER NEW_NAME", summary)), 0;
  if (positionals.length !== 2) throw new UserError('"rename" requires exactly 2 arguments.', 1);
  const e = openEngine(v);
  const r = e.row(positionals[0]!);
  e.db.rename(r.id, checkName(positionals[1]!));
  return 0;
}
