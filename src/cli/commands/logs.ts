// `nsbox logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER`
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { streamLogs } from "../../engine/logs.ts";

export const summary = "Fetch the logs of a container";

/** docker's --since/--until: RFC3339 date, unix seconds, or a duration before now (10m, 1h30m). */
export function parseTime(flag: string, s: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
  if (d && s) return (now - ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3] ?? 0)) * 1000) / 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new UserError(`invalid value for "${flag}": "${s}"`, 125);
  return t / 1000;
}

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
    e.paths.log(r.id),
    {
      follow: !!v.follow,
      tail: tail === undefined || tail === "all" || Number(tail) < 0 ? undefined : Number(tail),
      timestamps: !!v.timestamps,
      since: v.since ? parseTime("--since", v.since as string) : undefined,
      until: v.until ? parseTime("--until", v.until as string) : undefined,
    },
    () => {
      const st = e.state(r);
      return st.Running || st.Restarting;
    },
  );
  return 0;
}
