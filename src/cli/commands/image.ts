// `nsbox image SUBCOMMAND`: inspect and prune, plus docker's aliases (ls, rm, tag, load, save, ...).
import { printErr } from "../../common/output.ts";
import { confirm } from "../../common/confirm.ts";
import { UserError } from "../../common/errors.ts";
import { pruneFilter } from "../../common/filters.ts";
import { help, openStore, parseFlags } from "../../image/cli/common.ts";
import { goTemplate, humanSize } from "../../image/cli/format.ts";
import { inspectImage } from "../../image/inspect.ts";

export const summary = "Manage images (inspect, prune, ls, rm, tag, pull, load, save, import, history)";

const aliases: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  ls: () => import("./images.ts"),
  list: () => import("./images.ts"),
  rm: () => import("./rmi.ts"),
  tag: () => import("./tag.ts"),
  pull: () => import("./pull.ts"),
  load: () => import("./load.ts"),
  save: () => import("./save.ts"),
  import: () => import("./import.ts"),
  history: () => import("./history.ts"),
};

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "inspect") return inspect(rest);
  if (sub === "prune") return prune(rest);
  const alias = sub ? aliases[sub] : undefined;
  if (alias) return (await alias()).run(rest);
  if (!sub || sub === "--help" || sub === "-h") {
    console.log(["Usage:  nsbox image COMMAND", "", summary, "", "Commands:", "  inspect  Display detailed information on one or more images", "  prune    Remove unused images", ...Object.keys(aliases).map((a) => `  ${a}`)].join("\n"));
    return sub ? 0 : 1;
  }
  throw new UserError(`'image ${sub}' is not a nsbox command. See 'nsbox image --help'`, 125);
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { format: { type: "string", short: "f" } });
  if (values.help) return console.log(help("image inspect [OPTIONS] IMAGE [IMAGE...]", "Display detailed information on one or more images", ["-f, --format string"])), 0;
  if (positionals.length === 0) throw new UserError('"image inspect" requires at least 1 argument', 125);
  const store = openStore(values);
  const out = [];
  let missing = 0;
  for (const ref of positionals) {
    const img = store.resolve(ref);
    if (!img) {
      printErr(`nsbox: No such image: ${ref}`);
      missing++;
      continue;
    }
    out.push(inspectImage(store, img));
  }
  if (values.format) for (const o of out) console.log(goTemplate(values.format, o));
  else console.log(JSON.stringify(out, null, 4));
  return missing ? 1 : 0;
}

/** docker's `image prune [-a] [-f] [--filter label=…|label!=…|until=…]`. */
async function prune(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { all: { type: "boolean", short: "a" }, force: { type: "boolean", short: "f" }, filter: { type: "string", multiple: true } });
  if (values.help) return console.log(help("image prune [OPTIONS]", "Remove unused images", ["-a, --all             remove all images not used by a container, not just dangling ones", "    --filter filter   label=K[=V], label!=K[=V], until=TIMESTAMP|DURATION", "-f, --force           do not prompt for confirmation"])), 0;
  const selected = pruneFilter(values.filter ?? []);
  const warning = values.all
    ? "WARNING! This will remove all images without at least one container associated to them."
    : "WARNING! This will remove all dangling images.";
  // docker cancels silently with exit 0 ("image prune has been cancelled" is a Cancelled error).
  if (!values.force && !confirm(`${warning}\nAre you sure you want to continue?`)) return 0;
  const store = openStore(values);
  const r = store.prune(values.all, (img) => {
    const cfg = store.config(img);
    return selected(cfg.config?.Labels, cfg.created);
  });
  if (r.deleted.length) console.log(["Deleted Images:", ...r.deleted.map((d) => `deleted: ${d}`), ""].join("\n"));
  console.log(`Total reclaimed space: ${humanSize(r.reclaimed)}`);
  return 0;
}
