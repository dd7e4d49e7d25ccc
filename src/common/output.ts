// Printing lines on stdout and stderr without process.stdout / process.stderr: Bun builds those
// Node streams on first use, which costs ~8 ms in a compiled binary (docs/performance.md), more
// than a whole `nsbox-runtime start`. console.log and console.error write natively, at once (in
// order with our children's output), and print a single string argument verbatim: no format
// directives are applied, so the bytes are the same as `write(line + "\n")`.

/** Prints `line` and a newline on stdout. */
export function printOut(line: string): void {
  console.log(line);
}

/** Prints `line` and a newline on stderr. */
export function printErr(line: string): void {
  console.error(line);
}
