// `nsbox logout SERVER`: forgets stored credentials.
import { UserError } from "../../common/errors.ts";
import { help, parseFlags } from "../../image/cli/common.ts";
import { removeCredentials } from "../../image/registry/auth.ts";

export const summary = "Log out from a registry";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {});
  if (values.help) return console.log(help("logout SERVER", summary, [])), 0;
  if (positionals.length !== 1) throw new UserError('"logout" requires exactly 1 argument', 125);
  const server = positionals[0]!.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  console.log(removeCredentials(server) ? `Removing login credentials for ${server}` : `Not logged in to ${server}`);
  return 0;
}
