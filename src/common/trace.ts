// NSBOX_TRACE=1 prints milliseconds since process start at named points, on stderr: a cheap
// profile of where a command's time goes (bench/ measures the totals). console.error, not
// printErr: printErr loads bun:ffi (~0.5 ms) on first use, which would then show up between two
// trace points of a command that does not load it otherwise.
const on = !!process.env.NSBOX_TRACE;
export function trace(point: string): void {
  if (on) console.error(`[trace] ${performance.now().toFixed(2)} ms ${point}`);
}

/**
 * Under NSBOX_TRACE, at exit: how long a first require("node:fs") takes now, which tells whether
 * the command loaded it (~0.01 ms) or not (~1 ms in a compiled binary): the runtime's verbs are
 * meant not to (src/linux/fs.ts). A built-in module's load leaves no other trace to ask about.
 */
export function traceNodeFsAtExit(): void {
  if (!on) return;
  const t = performance.now();
  require("node:fs");
  console.error(`[trace] node:fs required at exit in ${(performance.now() - t).toFixed(2)} ms (~1 ms if nothing loaded it before)`);
}
