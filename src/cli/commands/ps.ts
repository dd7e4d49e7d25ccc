// `nsbox ps [-a] [-q] [-n N] [-l] [--no-trunc] [--filter K=V] [--format T]`
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { psRows, psFilter, psLine } from "../../engine/cli/ps-format.ts";
import { goTemplate, table } from "../../image/cli/format.ts";

export const summary = "List containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      all: { type: "boolean", short: "a" }, quiet: { type: "boolean", short: "q" }, last: { type: "string", short: "n" },
      latest: { type: "boolean", short: "l" }, "no-trunc": { type: "boolean" }, filter: { type: "string", short: "f", multiple: true },
      format: { type: "string" }, size: { type: "boolean", short: "s" },
    },
    "ps",
  );
  if (v.help) return console.log(usage("ps [OPTIONS]", summary, ["-a, --all", "-q, --quiet", "-n, --last int", "-l, --latest", "--no-trunc", "-f, --filter filter", "--format string"])), 0;
  if (positionals.length) throw new UserError(`"ps" accepts no arguments.`, 1);
  const last = v.latest ? 1 : v.last !== undefined ? Number(v.last) : -1;
  if (!Number.isInteger(last)) throw new UserError(`invalid argument "${v.last}" for "-n, --last" flag`, 125);
  const e = openEngine(v);
  let list = e.list(!!v.all || last > 0).filter(psFilter((v.filter as string[] | undefined) ?? []));
  if (last > 0) list = list.slice(0, last);
  const noTrunc = !!v["no-trunc"];
  if (v.quiet) {
    for (const c of list) console.log(noTrunc ? c.Id : c.Id.slice(0, 12));
    return 0;
  }
  if (v.format) {
    for (const c of list) console.log(goTemplate(v.format as string, psLine(c, noTrunc)));
    return 0;
  }
  console.log(table(psRows(list, noTrunc)));
  return 0;
}
