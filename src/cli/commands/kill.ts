// `nsbox kill [-s SIGNAL] CONTAINER...` (default SIGKILL, as docker).
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { killContainer } from "../../engine/ops.ts";
import { parseSignal } from "../../linux/signals.ts";

export const summary = "Kill one or more running containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { signal: { type: "string", short: "s" } }, "kill");
  if (v.help) return console.log(usage("kill [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-s, --signal string"])), 0;
  const sig = (v.signal as string | undefined) ?? "SIGKILL";
  parseSignal(sig);
  const e = openEngine(v);
  return eachRef(positionals, "kill", (ref) => killContainer(e, ref, sig));
}
