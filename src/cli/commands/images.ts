// `nsbox images`: lists images as docker does (REPOSITORY TAG IMAGE ID CREATED SIZE).
import { UserError } from "../../common/errors.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { goTemplate, humanSize, table, timeAgo } from "../../image/cli/format.ts";
import { familiarName, familiarRepository, parseReference, repositoryOf } from "../../image/reference.ts";
import { splitName } from "../../image/reference.ts";

export const summary = "List images";

const flags = {
  all: { type: "boolean", short: "a" },
  quiet: { type: "boolean", short: "q" },
  digests: { type: "boolean" },
  "no-trunc": { type: "boolean" },
  filter: { type: "string", short: "f", multiple: true },
  format: { type: "string" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, flags);
  if (values.help) {
    console.log(help("images [OPTIONS] [REPOSITORY[:TAG]]", summary, ["-a, --all", "-q, --quiet", "    --digests", "    --no-trunc", "-f, --filter dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE", "    --format string"]));
    return 0;
  }
  const store = openStore(values);
  let images = store.list();
  const match = positionals[0];
  const filters = (values.filter ?? []).map((f) => {
    const eq = f.indexOf("=");
    if (eq < 0) throw new UserError(`bad format of filter (expected name=value): ${f}`, 125);
    return [f.slice(0, eq), f.slice(eq + 1)] as const;
  });
  const created = (ref: string) => store.get(ref).created;
  for (const [k, v] of filters) {
    if (k === "dangling") images = images.filter((i) => (i.names.length === 0) === (v === "true"));
    else if (k === "reference") images = images.filter((i) => i.names.some((n) => globMatch(v, familiarName(n))));
    else if (k === "before") images = images.filter((i) => i.created < created(v));
    else if (k === "since") images = images.filter((i) => i.created > created(v));
    else throw new UserError(`invalid filter '${k}'`, 125);
  }
  type Row = { Repository: string; Tag: string; Digest: string; ID: string; CreatedSince: string; CreatedAt: string; Size: string };
  const rows: Row[] = [];
  for (const img of images) {
    const cfg = store.config(img);
    const tags = img.names.filter((n) => !n.includes("@"));
    const digests = img.names.filter((n) => n.includes("@"));
    const base = {
      ID: values["no-trunc"] ? img.id : img.id.slice(7, 19),
      CreatedSince: timeAgo(cfg.created ?? 0),
      CreatedAt: cfg.created ?? "",
      Size: humanSize(store.size(img)),
    };
    const digestFor = (repo: string) => digests.map(splitName).find((d) => d.repository === repo)?.digest ?? "<none>";
    if (tags.length === 0) {
      if (!values.all && digests.length === 0 && !filters.some(([k]) => k === "dangling")) continue;
      const d = digests[0] ? splitName(digests[0]) : undefined;
      rows.push({ ...base, Repository: d ? familiarRepository(d.repository) : "<none>", Tag: "<none>", Digest: d?.digest ?? "<none>" });
    }
    for (const t of tags) {
      const s = splitName(t);
      rows.push({ ...base, Repository: familiarRepository(s.repository), Tag: s.tag ?? "<none>", Digest: digestFor(s.repository) });
    }
  }
  let shown = rows;
  if (match) {
    const ref = parseReference(match.includes(":") ? match : `${match}:latest`);
    const repo = familiarRepository(repositoryOf(ref));
    shown = rows.filter((r) => r.Repository === repo && (!match.includes(":") || r.Tag === ref.tag));
  }
  if (values.quiet) {
    console.log([...new Set(shown.map((r) => r.ID))].join("\n") || "");
    return 0;
  }
  if (values.format) {
    for (const r of shown) console.log(goTemplate(values.format, r));
    return 0;
  }
  const head = ["REPOSITORY", "TAG", ...(values.digests ? ["DIGEST"] : []), "IMAGE ID", "CREATED", "SIZE"];
  console.log(table([head, ...shown.map((r) => [r.Repository, r.Tag, ...(values.digests ? [r.Digest] : []), r.ID, r.CreatedSince, r.Size])]));
  return 0;
}

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp("^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, ".") + "(:.*)?$");
  return re.test(s);
}
