// NSBOX_TRACE=1 prints milliseconds since process start at named points, on stderr: a cheap
// profile of where a command's time goes (bench/ measures the totals).
import { printErr } from "./output.ts";
const on = !!process.env.NSBOX_TRACE;
export function trace(point: string): void {
  if (on) printErr(`[trace] ${performance.now().toFixed(2)} ms ${point}`);
}
