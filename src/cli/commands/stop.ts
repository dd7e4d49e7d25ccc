// `nsbox stop [-t N] [-s SIGNAL] CONTAINER...`
import { UserError } from "../../common/errors.ts";
import { eachRef, openEngine, parse, usage } from "../../engine/cli/common.ts";
import { stopContainer } from "../../engine/ops.ts";

export const summary = "Stop one or more running containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { time: { type: "string", short: "t" }, signal: { type: "string", short: "s" } }, "stop");
  if (v.help) return console.log(usage("stop [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-t, --time int", "-s, --signal string"])), 0;
  const t = v.time as string | undefined;
  if (t !== undefined && !/^-?\d+$/.test(t)) throw new UserError(`invalid argument "${t}" for "-t, --time" flag: strconv.ParseInt: parsing "${t}": invalid syntax`, 125);
  const e = openEngine(v);
  return eachRef(positionals, "stop", (ref) => stopContainer(e, ref, t === undefined ? undefined : Number(t), v.signal as string | undefined));
}
