// `nsbox import FILE|- [REPOSITORY[:TAG]]`: a root filesystem tarball → a one-layer image.
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { importRootfs } from "../../image/archive/import.ts";

export const summary = "Import the contents from a tarball to create a filesystem image";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { change: { type: "string", short: "c", multiple: true }, message: { type: "string", short: "m" } });
  if (values.help) {
    console.log(help("import [OPTIONS] FILE|- [REPOSITORY[:TAG]]", summary, ["-c, --change list     apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR", "-m, --message string  commit message"]));
    return 0;
  }
  if (positionals.length < 1 || positionals.length > 2) throw new UserError('"import" requires 1 or 2 arguments', 125);
  const img = await importRootfs(openStore(values), positionals[0]!, positionals[1], values.change ?? [], values.message);
  console.log(img.id);
  return 0;
}
