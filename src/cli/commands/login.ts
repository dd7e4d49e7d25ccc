// `nsbox login [-u USER] [-p PASS | --password-stdin] SERVER`: checks and stores credentials (0600).
import { UserError } from "../../common/errors.ts";
import { help, parseFlags } from "../../image/cli/common.ts";
import { authFile, storeCredentials } from "../../image/registry/auth.ts";
import { RegistryClient } from "../../image/registry/client.ts";

export const summary = "Log in to a registry";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { username: { type: "string", short: "u" }, password: { type: "string", short: "p" }, "password-stdin": { type: "boolean" } });
  if (values.help) {
    console.log(help("login [OPTIONS] SERVER", summary, ["-u, --username string", "-p, --password string", "    --password-stdin   read the password from STDIN"]));
    return 0;
  }
  if (positionals.length !== 1) throw new UserError("login needs exactly one SERVER (nsbox does not log in to docker.io implicitly)", 125);
  const server = positionals[0]!.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  let password = values.password;
  if (values["password-stdin"]) password = (await Bun.stdin.text()).replace(/\r?\n$/, "");
  if (!values.username || password === undefined) throw new UserError("login needs --username and --password or --password-stdin", 125);
  await new RegistryClient(server, { credentials: { username: values.username, password } }).ping();
  storeCredentials(server, { username: values.username, password });
  console.log(`Login Succeeded (credentials in ${authFile()})`);
  return 0;
}
