// `nsbox system reset [-f]`: podman's command (docker has none): remove every container, network,
// image and volume of this root, the default bridge and its firewall table, and the root itself.
import { confirm } from "../../common/confirm.ts";
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";

export const summary = "Manage nsbox (reset: remove all containers, images, networks and state of this root)";

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "reset") {
    if (!sub || sub === "--help") return console.log(usage("system COMMAND", summary, ["reset [-f]   remove everything this root holds"])), sub ? 0 : 1;
    throw new UserError(`'system ${sub}' is not a nsbox command. Commands: reset`, 1);
  }
  const { values: v, positionals } = parse(rest, { force: { type: "boolean", short: "f" } }, "system reset");
  if (v.help) return console.log(usage("system reset [OPTIONS]", "Remove all containers, images, networks, volumes and state of this root", ["-f, --force   do not prompt for confirmation"])), 0;
  if (positionals.length) throw new UserError(`"system reset" accepts no arguments.`, 1);
  const e = openEngine(v);
  if (!v.force) {
    const warning = [
      "WARNING! This will remove:",
      "        - all containers",
      "        - all networks, the default bridge and its firewall rules",
      "        - all images",
      "        - all volumes",
      `        - the root directory: ${e.paths.root}`,
      `        - the run root: ${e.paths.runRoot}`,
      "Are you sure you want to continue?",
    ].join("\n");
    if (!confirm(warning)) return 0;
  }
  const { resetRoot } = await import("../../engine/reset.ts");
  await resetRoot(e);
  return 0;
}
