// `nsbox unpause CONTAINER...`: the cgroup freezer.
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { pauseContainer } from "../../engine/ops.ts";

export const summary = "Unpause all processes within one or more containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {}, "unpause");
  if (v.help) return console.log(usage("unpause CONTAINER [CONTAINER...]", summary)), 0;
  const e = openEngine(v);
  return eachRef(positionals, "unpause", (ref) => pauseContainer(e, ref, false));
}
