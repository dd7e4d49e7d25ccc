// Pinned namespaces: a container's network and IPC namespaces are bind-mounted (nsfs files) under
// its directory once it first runs. Its later runs (restart, restart policy) join them again, so
// containers that joined them (--net/--ipc=container:X) keep working when X restarts: the fix for
// docker's "container:X breaks when X restarts". PID namespaces can't be pinned this way (a PID
// namespace whose init died accepts no new process), nor need UTS ones (docker refuses
// --uts=container:X). The mounts go at `rm`.
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { mount } from "../linux/libc.ts";
import { isMountPoint, unmountAll } from "../linux/mountinfo.ts";

export const PINNED = ["network", "ipc"] as const;
export type PinnedType = (typeof PINNED)[number];
const FILE: Record<PinnedType, string> = { network: "net", ipc: "ipc" };
const MS_BIND = 4096;

export function pinPath(dir: string, type: PinnedType): string {
  return `${dir}/ns/${FILE[type]}`;
}

/** True when the file is an nsfs bind mount (a different device than its directory). */
export function isPinned(dir: string, type: PinnedType): boolean {
  return isMountPoint(pinPath(dir, type));
}

export function pin(dir: string, type: PinnedType, pid: number): void {
  if (isPinned(dir, type)) return;
  mkdirSync(`${dir}/ns`, { recursive: true, mode: 0o700 });
  closeSync(openSync(pinPath(dir, type), "a", 0o400));
  mount(`/proc/${pid}/ns/${FILE[type]}`, pinPath(dir, type), "", MS_BIND, "");
}

export function unpinAll(dir: string): void {
  if (!existsSync(`${dir}/ns`)) return; // never pinned (a --rm container, or one that never ran)
  for (const t of PINNED) unmountAll(pinPath(dir, t));
}
