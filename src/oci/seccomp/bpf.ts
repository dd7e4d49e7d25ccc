// A tiny classic-BPF assembler for seccomp programs: the instructions the compiler needs,
// labels for forward jumps, and encoding into the kernel's `struct sock_filter` array.
//
// Conditional jumps in cBPF carry 8-bit offsets (jt/jf), so a conditional jump can skip at most
// 255 instructions; only `ja` has a 32-bit offset. The code generator keeps every conditional
// target near (see codegen.ts); assemble() checks it and refuses anything else, so a layout
// mistake can never silently become a jump to the wrong place.

export const BPF = {
  LD_W_ABS: 0x20, // A = seccomp_data[k] (32 bits)
  ALU_AND_K: 0x54, // A &= k
  JA: 0x05, // pc += k
  JEQ_K: 0x15, // pc += (A == k) ? jt : jf
  JGT_K: 0x25, // pc += (A > k) ? jt : jf  (unsigned)
  JGE_K: 0x35, // pc += (A >= k) ? jt : jf (unsigned)
  JSET_K: 0x45, // pc += (A & k) ? jt : jf
  RET_K: 0x06, // return k
} as const;

/** The kernel's limit on a classic BPF program (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;
/** Size of one `struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }`. */
export const SOCK_FILTER_SIZE = 8;

/** `struct seccomp_data` offsets (little-endian hosts: the low word of an argument comes first). */
export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  argLow: (i: number) => 16 + 8 * i,
  argHigh: (i: number) => 20 + 8 * i,
} as const;

/** A jump target: a label name, or a literal number of instructions to skip (0 = next). */
export type Target = string | number;

interface Insn {
  code: number;
  jt: Target;
  jf: Target;
  k: number;
  /** For `ja`: the label it jumps to (its 32-bit offset is computed at assembly). */
  target?: string;
}

export class Assembler {
  private readonly insns: Insn[] = [];
  private readonly labels = new Map<string, number>();
  private nextLabel = 0;

  get length(): number {
    return this.insns.length;
  }

  /** A fresh label name, to be placed later with place(). */
  newLabel(hint: string): string {
    return `${hint}#${this.nextLabel++}`;
  }

  place(label: string): void {
    if (this.labels.has(label)) throw new Error(`bpf: label ${label} placed twice`);
    this.labels.set(label, this.insns.length);
  }

  load(offset: number): void {
    this.insns.push({ code: BPF.LD_W_ABS, jt: 0, jf: 0, k: offset });
  }
  and(k: number): void {
    this.insns.push({ code: BPF.ALU_AND_K, jt: 0, jf: 0, k: k >>> 0 });
  }
  jeq(k: number, jt: Target, jf: Target): void {
    this.insns.push({ code: BPF.JEQ_K, jt, jf, k: k >>> 0 });
  }
  jgt(k: number, jt: Target, jf: Target): void {
    this.insns.push({ code: BPF.JGT_K, jt, jf, k: k >>> 0 });
  }
  jge(k: number, jt: Target, jf: Target): void {
    this.insns.push({ code: BPF.JGE_K, jt, jf, k: k >>> 0 });
  }
  /** Unconditional jump: 32-bit offset, so it reaches anywhere. */
  ja(target: string): void {
    this.insns.push({ code: BPF.JA, jt: 0, jf: 0, k: 0, target });
  }
  ret(k: number): void {
    this.insns.push({ code: BPF.RET_K, jt: 0, jf: 0, k: k >>> 0 });
  }

  /** Resolves labels and encodes the program as host-endian (little-endian) sock_filter structs. */
  assemble(): Buffer {
    const n = this.insns.length;
    const buf = Buffer.alloc(n * SOCK_FILTER_SIZE);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let pc = 0; pc < n; pc++) {
      const insn = this.insns[pc]!;
      let k = insn.k;
      let jt = 0;
      let jf = 0;
      if (insn.code === BPF.JA) {
        k = this.resolve(insn.target!, pc, 0xffffffff);
      } else if ((insn.code & 0x07) === 0x05) {
        jt = this.resolve(insn.jt, pc, 255);
        jf = this.resolve(insn.jf, pc, 255);
      }
      const off = pc * SOCK_FILTER_SIZE;
      view.setUint16(off, insn.code, true);
      view.setUint8(off + 2, jt);
      view.setUint8(off + 3, jf);
      view.setUint32(off + 4, k >>> 0, true);
    }
    return buf;
  }

  private resolve(target: Target, pc: number, max: number): number {
    let skip: number;
    if (typeof target === "number") {
      skip = target;
    } else {
      const at = this.labels.get(target);
      if (at === undefined) throw new Error(`bpf: label ${target} never placed`);
      skip = at - (pc + 1);
    }
    if (skip < 0 || skip > max || pc + 1 + skip >= this.insns.length) {
      throw new Error(`bpf: jump from ${pc} to ${String(target)} (skip ${skip}) out of range`);
    }
    return skip;
  }
}
