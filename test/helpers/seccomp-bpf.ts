// Test helpers for seccomp programs: a classic-BPF interpreter that runs a compiled filter
// against a synthetic `struct seccomp_data`, and a structural check with the rules the kernel's
// checker (bpf_check_classic + seccomp_check_filter) applies to a seccomp filter.
import { SOCK_FILTER_SIZE } from "../../src/oci/seccomp/bpf.ts";

export interface SeccompData {
  nr: number;
  arch: number;
  ip?: bigint;
  args?: (number | bigint)[];
}

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export function decode(program: Buffer): Insn[] {
  const out: Insn[] = [];
  for (let off = 0; off < program.length; off += SOCK_FILTER_SIZE) {
    out.push({
      code: program.readUInt16LE(off),
      jt: program.readUInt8(off + 2),
      jf: program.readUInt8(off + 3),
      k: program.readUInt32LE(off + 4),
    });
  }
  return out;
}

function seccompData(d: SeccompData): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(d.nr >>> 0, 0);
  b.writeUInt32LE(d.arch >>> 0, 4);
  b.writeBigUInt64LE(d.ip ?? 0n, 8);
  (d.args ?? []).forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 16 + 8 * i));
  return b;
}

/** Runs the filter; returns the 32-bit SECCOMP_RET_* value. Throws on anything the kernel would reject. */
export function runFilter(program: Buffer, data: SeccompData): number {
  return runFilterCounted(program, data).ret;
}

/** runFilter, also counting the instructions executed (for comparing layouts). */
export function runFilterCounted(program: Buffer, data: SeccompData): { ret: number; steps: number } {
  const insns = decode(program);
  const mem = seccompData(data);
  let a = 0;
  let steps = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    steps++;
    const { code, jt, jf, k } = insns[pc]!;
    switch (code) {
      case 0x20: // ld [k]
        if (k % 4 !== 0 || k + 4 > 64) throw new Error(`bad load offset ${k} at ${pc}`);
        a = mem.readUInt32LE(k);
        break;
      case 0x54: // and #k
        a = (a & k) >>> 0;
        break;
      case 0x05: // ja
        pc += k;
        break;
      case 0x15: pc += a === k ? jt : jf; break; // jeq
      case 0x25: pc += a > k ? jt : jf; break; // jgt
      case 0x35: pc += a >= k ? jt : jf; break; // jge
      case 0x45: pc += (a & k) !== 0 ? jt : jf; break; // jset
      case 0x06: return { ret: k, steps }; // ret #k
      default:
        throw new Error(`opcode 0x${code.toString(16)} at ${pc} not handled`);
    }
  }
  throw new Error("fell off the end of the program");
}

/** Problems the kernel would refuse the program for; empty when it is acceptable. */
export function structuralProblems(program: Buffer): string[] {
  const problems: string[] = [];
  if (program.length % SOCK_FILTER_SIZE !== 0) problems.push("length is not a multiple of 8");
  const insns = decode(program);
  if (insns.length === 0 || insns.length > 4096) problems.push(`${insns.length} instructions (1..4096 allowed)`);
  insns.forEach(({ code, jt, jf, k }, pc) => {
    const left = insns.length - pc - 1;
    if (code === 0x05 && k >= left) problems.push(`ja at ${pc} jumps past the end`);
    if ([0x15, 0x25, 0x35, 0x45].includes(code) && (jt >= left || jf >= left)) {
      problems.push(`jump at ${pc} (jt ${jt}, jf ${jf}) past the end`);
    }
    if (code === 0x20 && (k % 4 !== 0 || k >= 64)) problems.push(`load at ${pc} outside seccomp_data`);
    if (![0x20, 0x54, 0x05, 0x15, 0x25, 0x35, 0x45, 0x06].includes(code)) problems.push(`opcode 0x${code.toString(16)} at ${pc}`);
  });
  if (insns.length > 0 && insns.at(-1)!.code !== 0x06) problems.push("does not end in ret");
  return problems;
}
