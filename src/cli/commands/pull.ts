// `nsbox pull [--platform] [-q] NAME[:TAG|@DIGEST]`: from a registry (OCI distribution).
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { PullProgress } from "../../image/cli/progress.ts";
import { parsePlatform } from "../../image/platform.ts";
import { familiarName, formatReference, parseReference } from "../../image/reference.ts";
import { pullImage } from "../../image/registry/pull.ts";

export const summary = "Download an image from a registry";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { platform: { type: "string" }, quiet: { type: "boolean", short: "q" }, "insecure-registry": { type: "boolean" } });
  if (values.help) {
    console.log(help("pull [OPTIONS] NAME[:TAG|@DIGEST]", summary, ["    --platform string     os/arch[/variant] (default: this machine's)", "-q, --quiet               print only the image reference", "    --insecure-registry   allow plain HTTP to this registry"]));
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('"pull" requires exactly 1 argument', 125);
  const ref = parseReference(positionals[0]!);
  const name = familiarName(formatReference(ref));
  const store = openStore(values);
  const progress = values.quiet ? undefined : new PullProgress(process.stderr.isTTY === true);
  if (!values.quiet && ref.tag && !ref.digest) console.log(`${ref.tag}: Pulling from ${familiarName(`${ref.domain}/${ref.path}`)}`);
  const { digest } = await pullImage(store, positionals[0]!, {
    platform: values.platform ? parsePlatform(values.platform) : undefined,
    insecure: values["insecure-registry"],
    onEvent: progress ? (e) => progress.event(e) : undefined,
  });
  progress?.finish();
  if (values.quiet) {
    console.log(name);
  } else {
    console.log(`Digest: ${digest}`);
    console.log(`Status: Downloaded newer image for ${name}`);
    console.log(name);
  }
  return 0;
}
