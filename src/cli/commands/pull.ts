// `nsbox pull [--platform] [-q] NAME[:TAG|@DIGEST]`: from a registry (OCI distribution).
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { PullProgress } from "../../image/cli/progress.ts";
import { parsePlatform } from "../../image/platform.ts";
import { formatReference, parseReference, repositoryOf } from "../../image/reference.ts";
import { pullFooter, pullHeader } from "../../image/cli/pull-report.ts";
import { pullImage } from "../../image/registry/pull.ts";

export const summary = "Download an image from a registry";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { platform: { type: "string" }, quiet: { type: "boolean", short: "q" }, "insecure-registry": { type: "boolean" } });
  if (values.help) {
    console.log(help("pull [OPTIONS] NAME[:TAG|@DIGEST]", summary, ["    --platform string     os/arch[/variant] (default: this machine's)", "-q, --quiet               print only the full image reference", "    --insecure-registry   allow plain HTTP to this registry"]));
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('"pull" requires exactly 1 argument', 125);
  const input = positionals[0]!;
  const ref = parseReference(input);
  const store = openStore(values);
  // docker's pull writes everything to stdout; "up to date" = the name already meant this image.
  const before = store.resolve(formatReference(ref))?.id;
  const progress = values.quiet ? undefined : new PullProgress(process.stdout.isTTY === true, process.stdout);
  const say = (lines: string[]) => process.stdout.write(lines.map((l) => `${l}\n`).join("")); // in order with the progress lines
  if (progress) say(pullHeader(input, ref));
  let present = false;
  const { image, digest } = await pullImage(store, input, {
    platform: values.platform ? parsePlatform(values.platform) : undefined,
    insecure: values["insecure-registry"],
    onEvent: (e) => {
      // As docker: an image already in the store (by its digest) shows no layer lines.
      if (e.kind === "resolved") present = store.resolve(`${repositoryOf(ref)}@${e.digest}`) !== undefined;
      else if (!present) progress?.event(e);
    },
  });
  progress?.finish();
  const footer = pullFooter(ref, digest, before === image.id);
  say(values.quiet ? footer.slice(-1) : footer);
  return 0;
}
