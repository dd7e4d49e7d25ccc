// `nsbox cp CONTAINER:SRC DEST|-` and `nsbox cp SRC|- CONTAINER:DEST`, with a running or stopped
// container: the engine gives or takes a tar stream of the container side (Engine.copyFrom/copyTo,
// src/engine/cp/), the host's tar packs or unpacks our side.
import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { errnoMessage, UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";

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
  if (fromC) {
    const { archive, done } = e.copyFrom(fromC, fromP, { followLink: !!v["follow-link"] });
    if (toP === "-") {
      await new Response(archive).arrayBuffer().then((b) => process.stdout.write(Buffer.from(b)));
    } else {
      // DEST an existing directory: copy into it; else DEST is the new name (strip the first component).
      const intoDir = existsSync(toP) && statSync(toP).isDirectory();
      const target = intoDir ? toP : dirname(toP);
      const extra = intoDir ? [] : ["--transform", `s|^${basename(fromP).replace(/[|\\]/g, "")}|${basename(toP).replace(/[|\\]/g, "")}|`];
      const host = Bun.spawn(["tar", "xf", "-", "-C", target, ...extra], { stdin: archive, stderr: "pipe" });
      const [code, err] = await Promise.all([host.exited, new Response(host.stderr).text()]);
      await done; // the container side's error first: it explains an empty archive
      if (code !== 0) throw new UserError(`cp: ${err.trim()}`, 1);
    }
    await done;
    return 0;
  }
  // A symlink SRC is copied as a symlink (lstat: even a dangling one), or with -L its target is.
  const source = fromP === "-" ? undefined : hostSource(fromP, !!v["follow-link"]);
  e.row(toC!); // "No such container" before reading our side
  if (!source) {
    await e.copyTo(toC!, toP, new Uint8Array(await Bun.stdin.arrayBuffer()));
    return 0;
  }
  const pack = Bun.spawn(["tar", "cf", "-", "-C", dirname(source), basename(source)], { stdout: "pipe", stderr: "pipe" });
  const data = new Uint8Array(await new Response(pack.stdout).arrayBuffer());
  const [code, err] = await Promise.all([pack.exited, new Response(pack.stderr).text()]);
  if (code !== 0) throw new UserError(`cp: ${err.trim().split("\n").pop()}`, 1);
  // Named as the link, as docker's ResolveHostSourcePath + TarResourceRebase do.
  const renamed = source === fromP ? data : (await import("../../engine/cp/rebase.ts")).rebaseArchive(new Response(data).body!, basename(fromP));
  await e.copyTo(toC!, toP, renamed);
  return 0;
}

/** The host path to pack: `path` itself, or with `follow` and a symlink, what it resolves to. */
function hostSource(path: string, follow: boolean): string {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) throw new UserError(`cp: no such file or directory: ${path}`, 1);
  if (!follow || !st.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch (err) {
    throw new UserError(`cp: ${errnoMessage(err)}`, 1);
  }
}
