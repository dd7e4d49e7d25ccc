// NSBOX_TRACE=1 prints milliseconds since process start at named points, on stderr: a cheap
// profile of where a command's time goes (bench/ measures the totals). console.error, not
// printErr: printErr loads node:fs (~1 ms), which would then show up between two trace points of
// a command that does not load it otherwise (nsbox unshare, nsenter).
const on = !!process.env.NSBOX_TRACE;
export function trace(point: string): void {
  if (on) console.error(`[trace] ${performance.now().toFixed(2)} ms ${point}`);
}
