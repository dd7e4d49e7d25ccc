// NSBOX_TRACE=1 prints milliseconds since process start at named points, on stderr: a cheap
// profile of where a command's time goes (bench/ measures the totals).
const on = !!process.env.NSBOX_TRACE;
export function trace(point: string): void {
  if (on) process.stderr.write(`[trace] ${performance.now().toFixed(2)} ms ${point}\n`);
}
