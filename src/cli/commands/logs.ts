// `nsbox logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER`
import { UserError } from "../../common/errors.ts";
import { parseTimestamp } from "../../common/filters.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { streamLogs } from "../../engine/logs.ts";

export const summary = "Fetch the logs of a container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      follow: { type: "boolean", short: "f" }, tail: { type: "string", short: "n" }, timestamps: { type: "boolean", short: "t" },
      since: { type: "string" }, until: { type: "string" }, details: { type: "boolean" },
    },
    "logs",
  );
  if (v.help) return console.log(usage("logs [OPTIONS] CONTAINER", summary, ["-f, --follow", "-n, --tail string", "-t, --timestamps", "--since string", "--until string"])), 0;
  if (positionals.length !== 1) throw new UserError(`"logs" requires exactly 1 argument.`, 1);
  const tail = v.tail as string | undefined;
  if (tail !== undefined && tail !== "all" && !/^-?\d+$/.test(tail)) throw new UserError(`invalid value for "tail": "${tail}"`, 125);
  const e = openEngine(v);
  const r = e.row(positionals[0]!);
  await streamLogs(
    r.doc.LogPath,
    {
      follow: !!v.follow,
      tail: tail === undefined || tail === "all" || Number(tail) < 0 ? undefined : Number(tail),
      timestamps: !!v.timestamps,
      since: v.since ? parseTimestamp("--since", v.since as string) / 1000 : undefined,
      until: v.until ? parseTimestamp("--until", v.until as string) / 1000 : undefined,
    },
    () => {
      const st = e.state(r);
      return st.Running || st.Restarting;
    },
  );
  return 0;
}
