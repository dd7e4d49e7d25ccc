// Signal names and numbers (x86_64/arm64 numbering), as `kill` accepts them: "KILL", "SIGKILL", "9".
import { UserError } from "../common/errors.ts";

// node:os only for a name: it costs ~0.3 ms to load in a compiled binary, and numbers need none.
let bySignalName: Record<string, number> | undefined;
const signalNames = () => (bySignalName ??= (require("node:os") as typeof import("node:os")).constants.signals as Record<string, number>);

/** The number of a signal given as 1-64 or as a name ("KILL", "SIGKILL", "SIGRTMIN+3"); undefined when it is neither. */
export function signalNumber(value: string): number | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n >= 1 && n <= 64 ? n : undefined;
  }
  const upper = value.toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) return name.startsWith("SIGRTMIN") ? 34 + Number(rt[1] ?? 0) : 64 - Number(rt[1] ?? 0);
  return signalNames()[name];
}

/** signalNumber for the runtime's and the engine's `kill`: an error names what is wrong. */
export function parseSignal(value: string): number {
  const n = signalNumber(value);
  if (n !== undefined) return n;
  throw new UserError(/^\d+$/.test(value) ? `invalid signal "${value}": out of range 1-64` : `invalid signal "${value}"`);
}
