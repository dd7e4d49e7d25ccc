// Turns what a user typed (`1234`, `web`, `3f2a9c`) into a process or container target (pure).
import { UserError } from "../common/errors.ts";
import type { Target } from "./analysis.ts";
import { containerLabel, type ContainerInfo } from "./types.ts";

/** A container by exact name, exact ID, or unique ID prefix (like docker). */
export function findContainer(arg: string, containers: ContainerInfo[]): ContainerInfo | undefined {
  const exact = containers.find((c) => c.name === arg || c.id === arg);
  if (exact) return exact;
  const byPrefix = containers.filter((c) => c.id.startsWith(arg));
  if (byPrefix.length > 1) {
    throw new UserError(`'${arg}' matches several containers: ${byPrefix.map(containerLabel).join(", ")}`);
  }
  return byPrefix[0];
}

/** A PID (all digits) or a container. `pidExists` decides whether a PID is alive/visible. */
export function resolveTarget(arg: string, containers: ContainerInfo[], pidExists: (pid: number) => boolean): Target {
  if (/^\d+$/.test(arg)) {
    const pid = Number(arg);
    if (pid <= 0 || !pidExists(pid)) throw new UserError(`no such process: ${arg}`);
    // A PID stays a process target even when it is a container's init: `nsbox ns web` is the way
    // to ask about the whole container.
    return { label: arg, pid };
  }
  const c = findContainer(arg, containers);
  if (!c) throw new UserError(`no such container or process: ${arg}`);
  if (!pidExists(c.pid)) throw new UserError(`container ${containerLabel(c)} is not running (its process ${c.pid} is gone)`);
  return { label: containerLabel(c), pid: c.pid, container: c };
}
