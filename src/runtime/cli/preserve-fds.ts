// runc's --preserve-fds N (create, run, exec): our fds 3 .. 2+N become the container process's
// fds 3 .. 2+N. podman passes them for `podman run --preserve-fds` and systemd socket activation
// (LISTEN_FDS).
import { readlinkSync } from "../../linux/fs.ts";
import { UserError } from "../../common/errors.ts";

/**
 * The fds to pass on for `--preserve-fds VALUE`, each checked to be one the caller gave us. A fd
 * that is not open may be taken by Bun's own event loop (its epoll and eventfd land on the lowest
 * free numbers at start-up): that is refused too, never handed to a container.
 */
export function preservedFds(value: string | undefined, where: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`${where}: --preserve-fds "${value}": expected a number of file descriptors`);
  const fds: number[] = [];
  for (let fd = 3; fd < 3 + Number(value); fd++) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      throw new UserError(`${where}: --preserve-fds ${value}: fd ${fd} is not open`);
    }
    if (/^anon_inode:\[(eventpoll|eventfd)\]$/.test(target)) {
      throw new UserError(`${where}: --preserve-fds ${value}: fd ${fd} was not passed to nsbox-runtime (it is its own ${target.slice(12, -1)})`);
    }
    fds.push(fd);
  }
  return fds.length ? fds : undefined;
}
