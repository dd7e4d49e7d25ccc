// `nsbox tag SOURCE TARGET`: another name for an image.
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";

export const summary = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {});
  if (values.help) {
    console.log(help("tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", summary, []));
    return 0;
  }
  if (positionals.length !== 2) throw new UserError('"tag" requires exactly 2 arguments', 125);
  openStore(values).tag(positionals[0]!, positionals[1]!);
  return 0;
}
