// Lays out the seccomp BPF program. Shape (every conditional jump stays short; long distances
// are crossed with `ja`, whose offset is 32 bits):
//
//   ld arch; { jeq AUDIT_ARCH_i, 0, 1; ja section_i }*; ret KILL_PROCESS      (foreign ABI)
//   section_i: ld nr
//     [x86_64 only] jge X32_BIT, 0, 1; ja x32_body (or ret KILL_PROCESS); x86_64 body; x32 body
//   body: [jgt max_nr, 0, 1; ret ERRNO(ENOSYS)]     (runc's stub: syscalls newer than the profile)
//         per action, chunks of <= 255 `jeq nr` jumping to one `ret action` after the chunk
//         per syscall with argument rules: jeq nr (or jeq + ja when the block is long), then
//           its rules (conditions falling through on success, jumping to the next rule on
//           failure, then `ret action`), then `ret default`
//         ret default
//
// Arguments are only loaded inside a syscall's own block, so the verdict for every syscall
// without argument rules depends on (arch, nr) alone: the kernel (>= 5.11) then caches the
// "always allowed" syscalls in a bitmap and skips the filter for them.
import { errnoAction, ENOSYS, SECCOMP_RET } from "./actions.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT, type ArchSpec } from "./arches.ts";
import { Assembler, SECCOMP_DATA } from "./bpf.ts";
import type { ArchRules, Condition, Rule, SyscallPlan } from "./rules.ts";

/** What a syscall from an ABI the filter does not cover gets (libseccomp's "bad arch" action). */
export const BAD_ARCH_ACTION = SECCOMP_RET.KILL_PROCESS;
const MAX_CHUNK = 255;

export interface ArchSection {
  spec: ArchSpec;
  rules: ArchRules;
}

export function generate(sections: ArchSection[], defaultAction: number, enosysStub: boolean): Buffer {
  const asm = new Assembler();
  const audits = [...new Set(sections.map((s) => s.spec.audit))];
  const entry = new Map(audits.map((a) => [a, asm.newLabel(`arch-${a.toString(16)}`)]));

  asm.load(SECCOMP_DATA.arch);
  for (const audit of audits) {
    asm.jeq(audit, 0, 1);
    asm.ja(entry.get(audit)!);
  }
  asm.ret(BAD_ARCH_ACTION);

  const ctx = { asm, defaultAction, enosysStub };
  for (const audit of audits) {
    asm.place(entry.get(audit)!);
    asm.load(SECCOMP_DATA.nr);
    const of = (name: string) => sections.find((s) => s.spec.audit === audit && s.spec.name === name);
    if (audit === AUDIT_ARCH.X86_64) {
      // One AUDIT_ARCH for two ABIs: x32 syscall numbers have bit 30 set.
      const x64 = of("SCMP_ARCH_X86_64");
      const x32 = of("SCMP_ARCH_X32");
      // (cBPF only jumps forward, so "bad arch" is a ret of its own wherever it is needed.)
      const x32Body = asm.newLabel("x32");
      asm.jge(X32_SYSCALL_BIT, 0, 1);
      if (x32) asm.ja(x32Body);
      else asm.ret(BAD_ARCH_ACTION);
      if (x64) emitBody(ctx, x64);
      else asm.ret(BAD_ARCH_ACTION);
      if (x32) {
        asm.place(x32Body);
        emitBody(ctx, x32);
      }
    } else {
      for (const s of sections) if (s.spec.audit === audit) emitBody(ctx, s);
    }
  }
  return asm.assemble();
}

interface Ctx {
  asm: Assembler;
  defaultAction: number;
  enosysStub: boolean;
}

/** The syscall dispatch of one ABI; on entry A holds the syscall number. Always ends in a ret. */
function emitBody({ asm, defaultAction, enosysStub }: Ctx, { spec, rules }: ArchSection): void {
  if (enosysStub && rules.maxNr !== undefined) {
    asm.jgt(rules.maxNr, 0, 1);
    asm.ret(errnoAction(ENOSYS));
  }
  const byAction = new Map<number, number[]>();
  const conditional: SyscallPlan[] = [];
  for (const plan of rules.plans) {
    if (plan.action !== undefined) {
      const list = byAction.get(plan.action) ?? [];
      list.push(plan.nr);
      byAction.set(plan.action, list);
    } else if (plan.rules.length > 0) {
      conditional.push(plan);
    }
  }
  // Biggest group first: in an allow-list profile that is ALLOW, the hot path.
  for (const [action, nrs] of [...byAction].sort((a, b) => b[1].length - a[1].length)) {
    nrs.sort((a, b) => a - b);
    for (let start = 0; start < nrs.length; start += MAX_CHUNK) {
      const chunk = nrs.slice(start, start + MAX_CHUNK);
      chunk.forEach((nr, i) => asm.jeq(nr, chunk.length - 1 - i, i === chunk.length - 1 ? 1 : 0));
      asm.ret(action);
    }
  }
  for (const plan of conditional.sort((a, b) => a.nr - b.nr)) {
    const size = plan.rules.reduce((n, r) => n + ruleSize(r, spec.args32), 0) + 1;
    const after = asm.newLabel(`after-${plan.nr}`);
    if (size <= 255) {
      asm.jeq(plan.nr, 0, after);
    } else {
      asm.jeq(plan.nr, 1, 0);
      asm.ja(after);
    }
    const start = asm.length;
    for (const rule of plan.rules) emitRule(asm, rule, spec.args32);
    asm.ret(defaultAction);
    if (asm.length - start !== size) throw new Error(`seccomp: block size ${asm.length - start} != ${size}`);
    asm.place(after);
  }
  asm.ret(defaultAction);
}

function ruleSize(rule: Rule, args32: boolean): number {
  return rule.conditions.reduce((n, c) => n + conditionSize(c, args32), 0) + 1;
}

function conditionSize(c: Condition, args32: boolean): number {
  if (args32) return c.op === "MASKED_EQ" ? 3 : 2;
  return c.op === "MASKED_EQ" ? 6 : c.op === "EQ" || c.op === "NE" ? 4 : 5;
}

/** Conditions fall through when they hold and jump to the next rule when they do not. */
function emitRule(asm: Assembler, rule: Rule, args32: boolean): void {
  const fail = asm.newLabel("next-rule");
  for (const c of rule.conditions) emitCondition(asm, c, args32, fail);
  asm.ret(rule.action);
  asm.place(fail);
}

const lo32 = (v: bigint) => Number(v & 0xffffffffn);
const hi32 = (v: bigint) => Number((v >> 32n) & 0xffffffffn);

/**
 * Unsigned 64-bit comparison from two 32-bit words: the high words decide unless they are
 * equal, then the low words do. 32-bit ABIs compare the low word only.
 */
function emitCondition(asm: Assembler, c: Condition, args32: boolean, fail: string): void {
  const lo = SECCOMP_DATA.argLow(c.arg);
  const hi = SECCOMP_DATA.argHigh(c.arg);
  const v = c.value;
  if (args32) {
    asm.load(lo);
    switch (c.op) {
      case "EQ": return asm.jeq(lo32(v), 0, fail);
      case "NE": return asm.jeq(lo32(v), fail, 0);
      case "GT": return asm.jgt(lo32(v), 0, fail);
      case "GE": return asm.jge(lo32(v), 0, fail);
      case "LT": return asm.jge(lo32(v), fail, 0);
      case "LE": return asm.jgt(lo32(v), fail, 0);
      case "MASKED_EQ":
        asm.and(lo32(v));
        return asm.jeq(lo32(c.valueTwo), 0, fail);
    }
  }
  asm.load(hi);
  switch (c.op) {
    case "EQ":
      asm.jeq(hi32(v), 0, fail);
      asm.load(lo);
      return asm.jeq(lo32(v), 0, fail);
    case "NE": // differs if either word differs
      asm.jeq(hi32(v), 0, 2);
      asm.load(lo);
      return asm.jeq(lo32(v), fail, 0);
    case "GT":
    case "GE":
      asm.jgt(hi32(v), 3, 0); // high word greater: holds
      asm.jeq(hi32(v), 0, fail); // high word less: fails
      asm.load(lo);
      return c.op === "GT" ? asm.jgt(lo32(v), 0, fail) : asm.jge(lo32(v), 0, fail);
    case "LT":
    case "LE":
      asm.jgt(hi32(v), fail, 0); // high word greater: fails
      asm.jeq(hi32(v), 0, 2); // high word less: holds
      asm.load(lo);
      return c.op === "LT" ? asm.jge(lo32(v), fail, 0) : asm.jgt(lo32(v), fail, 0);
    case "MASKED_EQ":
      asm.and(hi32(v));
      asm.jeq(hi32(c.valueTwo), 0, fail);
      asm.load(lo);
      asm.and(lo32(v));
      return asm.jeq(lo32(c.valueTwo), 0, fail);
  }
}
