// `nsbox rm [-f] [-v] CONTAINER...`
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { removeContainer } from "../../engine/ops.ts";

export const summary = "Remove one or more containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { force: { type: "boolean", short: "f" }, volumes: { type: "boolean", short: "v" } }, "rm");
  if (v.help) return console.log(usage("rm [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-f, --force", "-v, --volumes"])), 0;
  const e = openEngine(v);
  return eachRef(positionals, "rm", (ref) => removeContainer(e, ref, !!v.force, !!v.volumes));
}
