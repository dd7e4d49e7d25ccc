// `nsbox top CONTAINER [ps OPTIONS]`: the host's ps (default -ef), keeping the lines of the
// container's processes (every PID in its cgroup), as docker does.
import { UserError } from "../../common/errors.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { containerCgroup } from "../../engine/cgroup.ts";
import { cgroupPids } from "../../linux/cgroups/index.ts";

export const summary = "Display the running processes of a container";

/** Pure: ps output filtered to `pids`, by the PID column of its header. */
export function filterPs(out: string, pids: Set<number>): string {
  const [header = "", ...rows] = out.split("\n").filter(Boolean);
  const col = header.trim().split(/\s+/).indexOf("PID");
  if (col < 0) throw new UserError(`Couldn't find PID field in ps output`, 1);
  return [header, ...rows.filter((l) => pids.has(Number(l.trim().split(/\s+/)[col])))].join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [ref, ...psArgs] = argv;
  if (!ref || ref === "--help") return console.log(usage("top CONTAINER [ps OPTIONS]", summary)), ref ? 0 : 1;
  const { values: v } = parse([], {}, "top");
  const e = openEngine(v);
  const r = e.row(ref);
  const st = e.state(r);
  if (!st.Running) throw new UserError(`container ${r.id} is not running`, 1);
  const cg = containerCgroup(r.id);
  const pids = new Set(cg ? cgroupPids(cg) : [st.Pid]);
  const ps = Bun.spawnSync(["ps", ...(psArgs.length ? psArgs : ["-ef"])], { stdout: "pipe", stderr: "pipe" });
  if (ps.exitCode !== 0) throw new UserError(`ps: ${ps.stderr.toString().trim()}`, 1);
  console.log(filterPs(ps.stdout.toString(), pids));
  return 0;
}
