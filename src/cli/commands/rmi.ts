// `nsbox rmi [-f] IMAGE...`: untags and deletes images (refuses one a container uses unless -f).
import { printErr } from "../../common/output.ts";
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { familiarName } from "../../image/reference.ts";

export const summary = "Remove one or more images";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { force: { type: "boolean", short: "f" } });
  if (values.help) {
    console.log(help("rmi [OPTIONS] IMAGE [IMAGE...]", summary, ["-f, --force   remove even if a container uses it, or it has several tags"]));
    return 0;
  }
  if (positionals.length === 0) throw new UserError('"rmi" requires at least 1 argument', 125);
  const store = openStore(values);
  let failed = 0;
  for (const ref of positionals) {
    try {
      const r = store.remove(ref, values.force);
      for (const n of r.untagged) console.log(`Untagged: ${familiarName(n)}`);
      for (const d of r.deleted) console.log(`Deleted: ${d}`);
    } catch (e) {
      if (!(e instanceof UserError) || positionals.length === 1) throw e;
      printErr(`nsbox: ${e.message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
