// `nsbox load -i FILE`: docker-archive or OCI-layout tarball (plain, gzip or zstd) → images.
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { loadArchive } from "../../image/archive/load.ts";
import { LoadProgress } from "../../image/cli/progress.ts";
import { familiarName } from "../../image/reference.ts";

export const summary = "Load an image from a tar archive or STDIN";

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { input: { type: "string", short: "i" }, quiet: { type: "boolean", short: "q" } });
  if (values.help) {
    console.log(help("load [OPTIONS]", summary, ["-i, --input string   read from a tar archive file instead of STDIN", "-q, --quiet          suppress the load output"]));
    return 0;
  }
  const store = openStore(values);
  const progress = values.quiet ? undefined : new LoadProgress(process.stderr.isTTY === true);
  const images = await loadArchive(store, values.input ?? "-", progress && ((e) => progress.event(e)));
  progress?.finish();
  // As docker: the tags the archive gave, not every name the image already had here.
  for (const img of images) {
    const tags = img.tagged ?? img.names;
    if (tags.length === 0) console.log(`Loaded image ID: ${img.id}`);
    for (const n of tags) console.log(`Loaded image: ${familiarName(n)}`);
  }
  return 0;
}
