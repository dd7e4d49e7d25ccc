// Small value parsers shared by `nsbox unshare` and `nsbox nsenter`, with util-linux's messages.
import { UserError } from "../common/errors.ts";
import { signalNumber } from "../linux/signals.ts";

/** A numeric uid/gid ("failed to parse uid: 'x'"). */
export function parseId(s: string, what: "uid" | "gid"): number {
  if (!/^\d+$/.test(s) || Number(s) > 0xfffffffe) throw new UserError(`failed to parse ${what}: '${s}'`);
  return Number(s);
}

/** A signal by name (KILL, SIGKILL, kill) or number. */
export function parseSignal(s: string): number {
  const n = signalNumber(s);
  if (n === undefined) throw new UserError(`unknown signal: ${s}`); // util-linux's words
  return n;
}

/** A uid or user name, looked up in a passwd-format text (util-linux accepts both). */
export function resolveUser(s: string, passwd: string, what: "user" | "group" = "user"): number {
  if (/^\d+$/.test(s)) return parseId(s, what === "user" ? "uid" : "gid");
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === s && f.length >= 3 && /^\d+$/.test(f[2]!)) return Number(f[2]);
  }
  throw new UserError(`failed to parse ${what === "user" ? "uid" : "gid"} '${s}'`);
}

/** The first subordinate id range of a user in /etc/subuid or /etc/subgid text. */
export function findSubidRange(text: string, userName: string, uid: number): { start: number; count: number } | undefined {
  for (const line of text.split("\n")) {
    const [who, start, count] = line.trim().split(":");
    if ((who === userName || who === String(uid)) && /^\d+$/.test(start ?? "") && /^\d+$/.test(count ?? "")) {
      return { start: Number(start), count: Number(count) };
    }
  }
  return undefined;
}
