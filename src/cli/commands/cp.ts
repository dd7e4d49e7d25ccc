// `nsbox cp CONTAINER:SRC DEST|-` and `nsbox cp SRC|- CONTAINER:DEST`: a tar stream through the
// container's own tar (run with `exec`, so paths resolve inside its root, symlinks included,
// never on the host), unpacked or packed by the host's tar. The container must be running.
import { existsSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { runtimeCommand } from "../../engine/runtimes.ts";

export const summary = "Copy files/folders between a container and the local filesystem";

/** Pure: "name:/path" -> [name, path]; a local path (absolute, ./, or without ':') -> [undefined, path]. */
export function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith("/") || arg.startsWith(".") || !arg.includes(":")) return [undefined, arg];
  const i = arg.indexOf(":");
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { archive: { type: "boolean", short: "a" }, "follow-link": { type: "boolean", short: "L" } }, "cp");
  if (v.help) return console.log(usage("cp CONTAINER:SRC_PATH DEST_PATH|-\n        nsbox cp SRC_PATH|- CONTAINER:DEST_PATH", summary)), 0;
  if (positionals.length !== 2) throw new UserError('"cp" requires exactly 2 arguments.', 1);
  const [[fromC, fromP], [toC, toP]] = positionals.map(splitCpArg) as [[string | undefined, string], [string | undefined, string]];
  if (!!fromC === !!toC) throw new UserError("copying between containers or between local paths is not supported: one side must be CONTAINER:PATH", 1);
  const e = openEngine(v);
  const r = e.row((fromC ?? toC)!);
  if (!e.state(r).Running) throw new UserError(`container ${r.id} is not running: cp needs a running container`, 1);
  const rt = runtimeCommand(r.doc.HostConfig.Runtime, e.paths);
  const inside = (args: string[], stdin: "pipe" | "ignore") =>
    Bun.spawn([rt.path, ...rt.args, "exec", r.id, "tar", ...args], { stdin, stdout: stdin === "pipe" ? "ignore" : "pipe", stderr: "pipe" });
  if (fromC) {
    const src = inside(["cf", "-", "-C", dirname(fromP) || "/", basename(fromP)], "ignore");
    if (toP === "-") {
      await new Response(src.stdout as ReadableStream).arrayBuffer().then((b) => process.stdout.write(Buffer.from(b)));
    } else {
      // DEST an existing directory: copy into it; else DEST is the new name (strip the first component).
      const intoDir = existsSync(toP) && statSync(toP).isDirectory();
      const target = intoDir ? toP : dirname(toP);
      const extra = intoDir ? [] : ["--transform", `s|^${basename(fromP).replace(/[|\\]/g, "")}|${basename(toP).replace(/[|\\]/g, "")}|`];
      const host = Bun.spawn(["tar", "xf", "-", "-C", target, ...extra], { stdin: src.stdout as ReadableStream, stderr: "pipe" });
      if ((await host.exited) !== 0) throw new UserError(`cp: ${(await new Response(host.stderr).text()).trim()}`, 1);
    }
    if ((await src.exited) !== 0) throw new UserError(`cp: ${(await new Response(src.stderr).text()).trim() || `no such file in the container: ${fromP}`}`, 1);
    return 0;
  }
  if (fromP !== "-" && !existsSync(fromP)) throw new UserError(`cp: no such file or directory: ${fromP}`, 1);
  const pack = fromP === "-" ? undefined : Bun.spawn(["tar", "cf", "-", "-C", dirname(fromP), basename(fromP)], { stdout: "pipe", stderr: "pipe" });
  const dst = inside(["xf", "-", "-C", toP], "pipe");
  const data = pack ? await new Response(pack.stdout).arrayBuffer() : await Bun.stdin.arrayBuffer();
  dst.stdin!.write(new Uint8Array(data));
  await dst.stdin!.end();
  if ((await dst.exited) !== 0) throw new UserError(`cp: ${(await new Response(dst.stderr as ReadableStream).text()).trim()}`, 1);
  return 0;
}
