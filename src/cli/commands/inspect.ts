// `nsbox inspect [-f FORMAT] CONTAINER...`: docker-shaped JSON (a list), or a Go template per container.
import { printErr } from "../../common/output.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { UserError } from "../../common/errors.ts";
import { goTemplate } from "../../image/cli/format.ts";

export const summary = "Return low-level information on containers";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { format: { type: "string", short: "f" }, type: { type: "string" }, size: { type: "boolean", short: "s" } }, "inspect");
  if (v.help) return console.log(usage("inspect [OPTIONS] CONTAINER [CONTAINER...]", summary, ["-f, --format string"])), 0;
  if (!positionals.length) throw new UserError('"inspect" requires at least 1 argument.', 1);
  const e = openEngine(v);
  const found = [];
  let failed = false;
  for (const ref of positionals) {
    try {
      found.push(e.inspect(ref));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      printErr(`nsbox: No such object: ${ref}`);
      failed = true;
    }
  }
  if (v.format) for (const c of found) console.log(goTemplate(v.format as string, c));
  else console.log(JSON.stringify(found, null, 4));
  return failed ? 1 : 0;
}
