// Detach keys (`--detach-keys`, docker's syntax from moby/term's ToBytes): a comma-separated list
// of keys, each a single character or `ctrl-X` for X in @, a-z, [, \, ], ^, _ (codes 0..31), or
// `DEL` (127). The default is ctrl-p,ctrl-q. The keys are caught on our side of a terminal attach
// and never reach the container; a prefix of the sequence is held back until the next key shows
// whether it completes the sequence (then it is dropped) or not (then it is sent on).
import { UserError } from "../common/errors.ts";

/** docker's default detach sequence: Ctrl-P Ctrl-Q. */
export const DEFAULT_DETACH_KEYS = Uint8Array.from([0x10, 0x11]);

const CTRL = "@abcdefghijklmnopqrstuvwxyz[\\]^_";

/** Pure: a --detach-keys value -> the byte sequence; undefined or "" -> the default. */
export function parseDetachKeys(spec: string | undefined): Uint8Array {
  if (spec === undefined || spec === "") return DEFAULT_DETACH_KEYS;
  const out: number[] = [];
  for (const key of spec.split(",")) {
    if (Buffer.byteLength(key) === 1) out.push(key.charCodeAt(0));
    else if (key === "DEL") out.push(127);
    else if (key.startsWith("ctrl-") && key.length === 6 && CTRL.includes(key[5]!)) out.push(CTRL.indexOf(key[5]!));
    else throw new UserError(`invalid detach keys "${spec}": unknown key '${key}' (a single character, ctrl-@, ctrl-a…ctrl-z, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_ or DEL, separated by commas)`, 125);
  }
  return Uint8Array.from(out);
}

/** Scans input for the detach sequence across chunks, holding back a partial match. */
export class DetachScanner {
  private held = 0; // bytes of the sequence matched so far (not yet forwarded)
  constructor(readonly keys: Uint8Array = DEFAULT_DETACH_KEYS) {}

  /** The bytes to forward now, and whether the sequence completed (what follows it is dropped). */
  feed(chunk: Uint8Array): { forward: Uint8Array; detached: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.held]) {
        if (++this.held === this.keys.length) return { forward: Uint8Array.from(out), detached: true };
        continue;
      }
      // Not the next key: the held prefix was typed for the container after all.
      for (let i = 0; i < this.held; i++) out.push(this.keys[i]!);
      this.held = b === this.keys[0] ? 1 : 0;
      if (!this.held) out.push(b);
    }
    return { forward: Uint8Array.from(out), detached: false };
  }
}
