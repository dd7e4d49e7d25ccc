// Validates `linux.seccomp.syscalls` and turns it into per-architecture rules: for each syscall
// number, either one unconditional action or an ordered list of conditional rules.
//
// Semantics (runc + libseccomp, which is what profiles are written against):
//  - a rule whose action equals the default action is dropped (runc skips it);
//  - conditions on distinct arguments are ANDed; if two conditions name the same argument, each
//    condition becomes a rule of its own (ORed), as runc does;
//  - an unconditional rule overrides conditional rules for the same syscall, and the first
//    unconditional rule wins over later ones (libseccomp's db: "the existing filter is at least
//    as large as the new entry"); podman's own profile relies on this, e.g. `setns` is in the
//    big allow list and again, later, in an ERRNO rule for containers without CAP_SYS_ADMIN;
//  - conditional rules are tried in config order, the first whose conditions all hold wins,
//    and when none holds the default action applies;
//  - a name no covered architecture knows is ignored and reported in notes.
import { UserError } from "../../common/errors.ts";
import { actionValue, isNotify } from "./actions.ts";
import type { ArchSpec } from "./arches.ts";

export type Op = "NE" | "LT" | "LE" | "EQ" | "GE" | "GT" | "MASKED_EQ";
const OPS: Record<string, Op> = {
  SCMP_CMP_NE: "NE", SCMP_CMP_LT: "LT", SCMP_CMP_LE: "LE", SCMP_CMP_EQ: "EQ",
  SCMP_CMP_GE: "GE", SCMP_CMP_GT: "GT", SCMP_CMP_MASKED_EQ: "MASKED_EQ",
};

export interface Condition {
  arg: number;
  op: Op;
  /** The compared value; for MASKED_EQ the mask. */
  value: bigint;
  /** For MASKED_EQ the value (arg & value) must equal. */
  valueTwo: bigint;
}

export interface Rule {
  action: number;
  conditions: Condition[];
  /** Where it came from, for messages: linux.seccomp.syscalls[3]. */
  field: string;
}

interface Entry {
  names: string[];
  rules: Rule[];
  field: string;
}

export interface SyscallPlan {
  nr: number;
  /** Set when one rule without conditions decides the syscall. */
  action?: number;
  /** Otherwise: conditional rules in order; the default action applies when none matches. */
  rules: Rule[];
}

const U64_MAX = (1n << 64n) - 1n;

function u64(v: unknown, field: string): bigint {
  if (typeof v === "bigint" && v >= 0n && v <= U64_MAX) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "number" && Number.isInteger(v) && v > 0 && v <= 2 ** 64) {
    throw new UserError(`${field}: ${v} is above 2^53 and may have lost precision when config.json was parsed`);
  }
  throw new UserError(`${field}: must be an unsigned 64-bit integer, not ${JSON.stringify(String(v))}`);
}

function parseCondition(raw: unknown, field: string): Condition {
  if (typeof raw !== "object" || raw === null) throw new UserError(`${field}: must be an object`);
  const a = raw as Record<string, unknown>;
  if (typeof a.index !== "number" || !Number.isInteger(a.index) || a.index < 0 || a.index > 5) {
    throw new UserError(`${field}.index: must be an argument index from 0 to 5, not ${JSON.stringify(a.index)}`);
  }
  const op = typeof a.op === "string" && Object.hasOwn(OPS, a.op) ? OPS[a.op] : undefined;
  if (!op) throw new UserError(`${field}.op: unknown operator ${JSON.stringify(a.op)}`);
  if (a.value === undefined) throw new UserError(`${field}.value: missing`);
  const value = u64(a.value, `${field}.value`);
  const valueTwo = a.valueTwo === undefined || a.valueTwo === null ? 0n : u64(a.valueTwo, `${field}.valueTwo`);
  return { arg: a.index, op, value, valueTwo };
}

/** Validates every entry of `syscalls` (even ones this host will not use: bad input is bad input). */
export function parseSyscalls(list: unknown, defaultAction: number, field: string, notes: string[]): Entry[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new UserError(`${field}: must be an array`);
  return list.map((raw, i) => {
    const f = `${field}[${i}]`;
    if (typeof raw !== "object" || raw === null) throw new UserError(`${f}: must be an object`);
    const s = raw as Record<string, unknown>;
    if (!Array.isArray(s.names) || s.names.length === 0) {
      throw new UserError(`${f}.names: must be a non-empty array of syscall names`);
    }
    for (const [j, n] of s.names.entries()) {
      if (typeof n !== "string" || n === "") throw new UserError(`${f}.names[${j}]: must be a syscall name, not ${JSON.stringify(n)}`);
    }
    const action = actionValue(s.action, s.errnoRet, `${f}.action`, `${f}.errnoRet`, notes);
    if (isNotify(action) && s.names.includes("write")) {
      // The launcher reports the listener fd to its parent with write(); notifying on write would
      // block it forever, before anyone holds the listener (runc refuses this too).
      throw new UserError(`${f}: SCMP_ACT_NOTIFY cannot be used for the write syscall`);
    }
    if (s.args !== undefined && s.args !== null && !Array.isArray(s.args)) throw new UserError(`${f}.args: must be an array`);
    const conditions = ((s.args as unknown[] | undefined) ?? []).map((a, j) => parseCondition(a, `${f}.args[${j}]`));
    const sameArgTwice = new Set(conditions.map((c) => c.arg)).size < conditions.length;
    const rules = sameArgTwice
      ? conditions.map((c) => ({ action, conditions: [c], field: f }))
      : [{ action, conditions, field: f }];
    return { names: s.names as string[], rules: action === defaultAction ? [] : rules, field: f };
  });
}

export interface ArchRules {
  plans: SyscallPlan[];
  /** The highest syscall number the profile names on this ABI (for the -ENOSYS stub). */
  maxNr: number | undefined;
}

/** Resolves names to this ABI's numbers and merges the rules per syscall. */
export function rulesForArch(entries: Entry[], arch: ArchSpec): ArchRules {
  const byNr = new Map<number, SyscallPlan>();
  let maxNr: number | undefined;
  for (const entry of entries) {
    for (const name of entry.names) {
      const nr = arch.syscalls.get(name);
      if (nr === undefined) continue;
      if (maxNr === undefined || nr > maxNr) maxNr = nr;
      for (const rule of entry.rules) {
        let plan = byNr.get(nr);
        if (!plan) byNr.set(nr, (plan = { nr, rules: [] }));
        if (rule.conditions.length > 0) {
          if (plan.action === undefined) plan.rules.push(rule);
        } else if (plan.action === undefined) {
          plan.action = rule.action;
          plan.rules = [];
        }
      }
    }
  }
  return { plans: [...byNr.values()], maxNr };
}

/** Names that no covered architecture knows (reported once, not per ABI). */
export function unknownNames(entries: Entry[], arches: ArchSpec[]): string[] {
  const unknown = new Set<string>();
  for (const e of entries) for (const n of e.names) if (!arches.some((a) => a.syscalls.has(n))) unknown.add(n);
  return [...unknown];
}
