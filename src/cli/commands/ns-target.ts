// `nsbox __ns-target NAME` (hidden): the host PID of a container's init, by name, ID or unique ID
// prefix, for the C front end's `nsbox nsenter -t NAME` (native/nsbox/bun_cli.c). Containers are
// known from the engine's SQLite state and the runtime's state files, which only this side reads;
// a numeric target never comes here.
import { UserError } from "../../common/errors.ts";
import { pathExists } from "../../linux/libc.ts";
import { listContainers } from "../../ns/containers.ts";
import { findContainer } from "../../ns/targets.ts";
import { containerLabel } from "../../ns/types.ts";

export const summary = "";

export async function run(argv: string[]): Promise<number> {
  const [target] = argv;
  if (argv.length !== 1 || !target) throw new UserError("usage: nsbox __ns-target NAME", 2);
  const c = findContainer(target, await listContainers());
  if (!c) throw new UserError(`no such container or process: ${target}`);
  if (!pathExists(`/proc/${c.pid}`)) throw new UserError(`container ${containerLabel(c)} is not running`);
  console.log(String(c.pid));
  return 0;
}
