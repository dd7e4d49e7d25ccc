// `nsbox restart [-t N] CONTAINER...`
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { restartContainer } from "../../engine/ops.ts";

export const summary = "Restart one or more containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { time: { type: "string", short: "t" } }, "restart");
  if (v.help) return console.log(usage("restart [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-t, --time int"])), 0;
  const e = openEngine(v);
  return eachRef(positionals, "restart", (ref) => restartContainer(e, ref, v.time === undefined ? undefined : Number(v.time)));
}
