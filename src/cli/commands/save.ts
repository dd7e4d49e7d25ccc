// `nsbox save -o FILE IMAGE...`: images → a docker-archive tarball (also a valid OCI layout).
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { saveImages } from "../../image/archive/save.ts";

export const summary = "Save one or more images to a tar archive (streamed to STDOUT by default)";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { output: { type: "string", short: "o" } });
  if (values.help) {
    console.log(help("save [OPTIONS] IMAGE [IMAGE...]", summary, ["-o, --output string   write to a file, instead of STDOUT"]));
    return 0;
  }
  if (positionals.length === 0) throw new UserError('"save" requires at least 1 argument', 125);
  if (!values.output && process.stdout.isTTY) throw new UserError("cowardly refusing to save to a terminal. Use the -o flag or redirect", 125);
  saveImages(openStore(values), positionals, values.output ?? "-");
  return 0;
}
