// Printing lines on stdout and stderr without process.stdout / process.stderr: Bun builds those
// Node streams on first use, which costs ~8 ms in a compiled binary (docs/performance.md), more
// than a whole `nsbox-runtime start`. console.log writes natively, at once (in order with our
// children's output), and prints a single string argument verbatim: no format directives are
// applied, so the bytes are the same as `write(line + "\n")`.
import { writeFd } from "../linux/libc.ts";

/** Prints `line` and a newline on stdout. */
export function printOut(line: string): void {
  console.log(line);
}

/**
 * Prints `line` and a newline on stderr, verbatim. Not console.error: on a terminal Bun paints
 * its output red, which docker's and runc's error lines are not. write(2) through libc.ts blocks
 * until it is written (nothing lost by the process.exit that follows an error), and loads no
 * node:fs (~1 ms) in the runtime's verbs, which have bun:ffi loaded by then.
 */
export function printErr(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  for (let off = 0; off < bytes.length; ) off += writeFd(2, bytes, off);
}
