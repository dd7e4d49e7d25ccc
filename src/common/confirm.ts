// docker's prompt.Confirm: the question and " [y/N] " on stdout (no newline), one line read from
// stdin; only "y" or "Y" (spaces trimmed) proceeds. EOF, an empty line, anything else: no. So a
// prune without -f from a script with stdin at EOF or /dev/null does nothing, as docker's.
import { readSync, writeSync } from "node:fs";

/** Reads one line from fd 0 a byte at a time, so nothing after it is consumed; "" at EOF. */
function readLine(): string {
  const bytes: number[] = [];
  const buf = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, 1, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Bun.sleepSync(10); // a non-blocking stdin inherited from our parent
        continue;
      }
      if (code === "EOF" || code === "EBADF" || code === "EINVAL") break; // no stdin at all
      throw err;
    }
    if (n === 0 || buf[0] === 0x0a) break;
    bytes.push(buf[0]!);
  }
  return Buffer.from(bytes).toString("utf8");
}

export function confirm(message: string): boolean {
  writeSync(1, `${message} [y/N] `);
  return readLine().trim().toLowerCase() === "y";
}
