// Signal names and numbers (x86_64/arm64 numbering), as `kill` accepts them: "KILL", "SIGKILL", "9".
import { constants } from "node:os";
import { UserError } from "../common/errors.ts";

const bySignalName = constants.signals as Record<string, number>;

export function parseSignal(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1 || n > 64) throw new UserError(`invalid signal "${value}": out of range 1-64`);
    return n;
  }
  const upper = value.toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) return name.startsWith("SIGRTMIN") ? 34 + Number(rt[1] ?? 0) : 64 - Number(rt[1] ?? 0);
  const n = bySignalName[name];
  if (n === undefined) throw new UserError(`invalid signal "${value}"`);
  return n;
}
