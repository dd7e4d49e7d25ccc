// `nsbox port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports (from src/net).
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";

export const summary = "List port mappings or a specific mapping for the container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, {}, "port");
  if (v.help) return console.log(usage("port CONTAINER [PRIVATE_PORT[/PROTO]]", summary)), 0;
  if (positionals.length < 1 || positionals.length > 2) throw new UserError('"port" requires 1 or 2 arguments.', 1);
  const e = openEngine(v);
  const r = e.row(positionals[0]!);
  const { Networking } = await import("../../net/index.ts");
  const net = Networking.open({ root: e.paths.root });
  try {
    let lines = net.portLines(r.id);
    const want = positionals[1];
    if (want) {
      const key = want.includes("/") ? want : `${want}/tcp`;
      lines = lines.filter((l) => l.startsWith(`${key} -> `)).map((l) => l.slice(key.length + 4));
      if (!lines.length) throw new UserError(`No public port '${key}' published for ${positionals[0]}`, 1);
    }
    for (const l of lines) console.log(l);
  } finally {
    net.close();
  }
  return 0;
}
