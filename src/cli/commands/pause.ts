// `nsbox pause CONTAINER...`: the cgroup freezer.
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { pauseContainer } from "../../engine/ops.ts";

export const summary = "Pause all processes within one or more containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {}, "pause");
  if (v.help) return console.log(usage("pause CONTAINER [CONTAINER...]", summary)), 0;
  const e = openEngine(v);
  return eachRef(positionals, "pause", (ref) => pauseContainer(e, ref, true));
}
