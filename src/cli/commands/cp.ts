// `nsbox cp CONTAINER:SRC DEST|-` and `nsbox cp SRC|- CONTAINER:DEST`, with a running or stopped
// container, with docker's rules for where SRC lands (src/engine/cp/transfer.ts over the engine's
// tar streams of the container side, src/engine/cp/).
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { copyIntoContainer, copyOutOfContainer } from "../../engine/cp/transfer.ts";

export const summary = "Copy files/folders between a container and the local filesystem";

/** Pure: "name:/path" -> [name, path]; a local path (absolute, ./, or without ':') -> [undefined, path]. */
export function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith("/") || arg.startsWith(".") || !arg.includes(":")) return [undefined, arg];
  const i = arg.indexOf(":");
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { archive: { type: "boolean", short: "a" }, "follow-link": { type: "boolean", short: "L" } }, "cp");
  if (v.help) return console.log(usage("cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n        nsbox cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH", summary, ["-a, --archive       Archive mode (accepted: owners are always kept)", "-L, --follow-link   Always follow symbol link in SRC_PATH"])), 0;
  if (positionals.length !== 2) throw new UserError('"cp" requires exactly 2 arguments.', 1);
  const [[fromC, fromP], [toC, toP]] = positionals.map(splitCpArg) as [[string | undefined, string], [string | undefined, string]];
  if (!!fromC === !!toC) throw new UserError("copying between containers or between local paths is not supported: one side must be CONTAINER:PATH", 1);
  const e = openEngine(v);
  const opts = { followLink: !!v["follow-link"] };
  if (fromC && toP === "-") {
    const { archive, done } = e.copyFrom(fromC, fromP, opts);
    await new Response(archive).arrayBuffer().then((b) => process.stdout.write(Buffer.from(b)));
    await done;
  } else if (fromC) await copyOutOfContainer(e, fromC, fromP, toP, opts);
  else if (fromP === "-") {
    e.row(toC!); // "No such container" before reading our stdin
    await copyIntoContainer(e, toC!, new Uint8Array(await Bun.stdin.arrayBuffer()), toP);
  } else await copyIntoContainer(e, toC!, fromP, toP, opts);
  return 0;
}
