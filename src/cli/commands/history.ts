// `nsbox history IMAGE`: the image's layers and how they were made, newest first.
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { goTemplate, humanSize, table, timeAgo } from "../../image/cli/format.ts";
import { imageHistory } from "../../image/inspect.ts";

export const summary = "Show the history of an image";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { quiet: { type: "boolean", short: "q" }, "no-trunc": { type: "boolean" }, format: { type: "string" } });
  if (values.help) {
    console.log(help("history [OPTIONS] IMAGE", summary, ["-q, --quiet", "    --no-trunc", "    --format string"]));
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('"history" requires exactly 1 argument', 125);
  const store = openStore(values);
  const rows = imageHistory(store, store.get(positionals[0]!));
  const id = (s: string) => (s.startsWith("sha256:") && !values["no-trunc"] ? s.slice(7, 19) : s);
  if (values.quiet) return console.log(rows.map((r) => id(r.id)).join("\n")), 0;
  if (values.format) {
    for (const r of rows) console.log(goTemplate(values.format, { ID: id(r.id), CreatedSince: timeAgo(r.created), CreatedAt: r.created, CreatedBy: r.createdBy, Size: humanSize(r.size), Comment: r.comment }));
    return 0;
  }
  const by = (s: string) => (values["no-trunc"] || s.length <= 45 ? s : s.slice(0, 44) + "…");
  console.log(table([["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], ...rows.map((r) => [id(r.id), timeAgo(r.created), by(r.createdBy), humanSize(r.size), r.comment])]));
  return 0;
}
