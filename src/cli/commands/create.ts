// `nsbox create`: a container record, its rootfs and files; nothing runs until `start`.
import { openEngine, usage } from "../../engine/cli/common.ts";
import { CidFile } from "../../engine/cli/cidfile.ts";
import { parseRunArgs, RUN_FLAGS } from "../../engine/run-options.ts";

export const summary = "Create a new container";

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === "--help") {
    console.log(usage("create [OPTIONS] IMAGE [COMMAND] [ARG...]", summary, Object.keys(RUN_FLAGS).map((f) => `--${f}`)));
    return 0;
  }
  const o = parseRunArgs(argv, "create");
  const cid = CidFile.open(o.request.HostConfig?.ContainerIDFile);
  try {
    const { Id } = await openEngine({ root: o.root }).create(o.request);
    cid.write(Id);
    console.log(Id);
  } finally {
    cid.close();
  }
  return 0;
}
