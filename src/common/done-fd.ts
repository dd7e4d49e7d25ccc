// The C front end (native/nsbox/early_exit.c) runs `nsbox run` and every nsbox-runtime verb as
// its child and returns as soon as the child writes its exit code on the pipe named by
// NSBOX_DONE_FD: the kernel's teardown of the Bun process (~1 ms: its mappings and threads) then
// follows the command's return instead of delaying it. The variable is taken out of our
// environment at once, so nothing we start (the launcher, hooks) inherits it, and the fd is used
// only if it is a pipe: never a stray number naming another file of ours.
import { closeFd, writeFd } from "../linux/libc.ts";
import { readlinkSync } from "../linux/fs.ts";

const named = process.env.NSBOX_DONE_FD;
delete process.env.NSBOX_DONE_FD;

function doneFd(): number | undefined {
  const fd = Number(named);
  if (!named || !Number.isInteger(fd) || fd < 3) return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).startsWith("pipe:") ? fd : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells the front end our exit code, once all our output is written and nothing is left to do
 * but exit. `closeStdio`: close fds 0-2 first, so that a caller reading our output to its end
 * (podman's `state`) sees that end now too, not at our exit.
 */
export function tellDone(code: number, closeStdio = false): void {
  const fd = doneFd();
  if (fd === undefined) return;
  if (closeStdio) {
    for (const std of [0, 1, 2]) {
      try {
        closeFd(std);
      } catch {}
    }
  }
  try {
    writeFd(fd, Uint8Array.of(code & 0xff));
  } catch {}
}
