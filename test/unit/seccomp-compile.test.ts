// Runs compiled seccomp programs in a cBPF interpreter against synthetic seccomp_data and checks
// the verdicts: default actions, every action, every operator on 64-bit arguments, rule order,
// foreign architectures, x32, the -ENOSYS stub and long programs.
import { describe, expect, test } from "bun:test";
import { ENOSYS, SECCOMP_RET } from "../../src/oci/seccomp/actions.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT } from "../../src/oci/seccomp/arches.ts";
import { compileSeccomp, type LinuxSeccomp, type LinuxSyscall } from "../../src/oci/seccomp/index.ts";
import { syscalls as x86_64 } from "../../src/oci/seccomp/syscalls/x86_64.ts";
import { syscalls as x86 } from "../../src/oci/seccomp/syscalls/x86.ts";
import { runFilter, structuralProblems } from "../helpers/seccomp-bpf.ts";

const ALLOW = SECCOMP_RET.ALLOW;
const KILL_PROCESS = SECCOMP_RET.KILL_PROCESS;
const errno = (e: number) => (SECCOMP_RET.ERRNO | e) >>> 0;
const EPERM = 1;

function compile(spec: LinuxSeccomp, arch = "x64"): Buffer {
  const { program } = compileSeccomp(spec, arch);
  expect(structuralProblems(program)).toEqual([]);
  return program;
}

/** Verdict for an x86_64 syscall by name (or number) with arguments. */
function call(program: Buffer, nameOrNr: string | number, args: (number | bigint)[] = [], arch: number = AUDIT_ARCH.X86_64): number {
  const nr = typeof nameOrNr === "number" ? nameOrNr : x86_64.get(nameOrNr)!;
  return runFilter(program, { nr, arch, args });
}

function withRules(defaultAction: string, syscalls: LinuxSyscall[], extra: Partial<LinuxSeccomp> = {}): Buffer {
  return compile({ defaultAction, syscalls, ...extra });
}

describe("default and rule actions", () => {
  const cases: [string, number | undefined, number][] = [
    ["SCMP_ACT_ALLOW", undefined, ALLOW],
    ["SCMP_ACT_ERRNO", undefined, errno(EPERM)],
    ["SCMP_ACT_ERRNO", 38, errno(ENOSYS)],
    ["SCMP_ACT_KILL", undefined, SECCOMP_RET.KILL_THREAD],
    ["SCMP_ACT_KILL_THREAD", undefined, SECCOMP_RET.KILL_THREAD],
    ["SCMP_ACT_KILL_PROCESS", undefined, KILL_PROCESS],
    ["SCMP_ACT_TRAP", undefined, SECCOMP_RET.TRAP],
    ["SCMP_ACT_TRACE", undefined, (SECCOMP_RET.TRACE | EPERM) >>> 0],
    ["SCMP_ACT_TRACE", 7, (SECCOMP_RET.TRACE | 7) >>> 0],
    ["SCMP_ACT_LOG", undefined, SECCOMP_RET.LOG],
  ];
  for (const [action, errnoRet, want] of cases) {
    test(`default ${action}${errnoRet === undefined ? "" : ` errnoRet ${errnoRet}`}`, () => {
      const p = compile({ defaultAction: action, defaultErrnoRet: errnoRet, syscalls: [{ names: ["getppid"], action: action === "SCMP_ACT_ALLOW" ? "SCMP_ACT_LOG" : "SCMP_ACT_ALLOW" }] });
      expect(call(p, "getpid")).toBe(want);
    });
    test(`rule ${action}${errnoRet === undefined ? "" : ` errnoRet ${errnoRet}`}`, () => {
      const def = action === "SCMP_ACT_ALLOW" ? "SCMP_ACT_KILL_PROCESS" : "SCMP_ACT_ALLOW";
      const p = withRules(def, [{ names: ["mkdir", "rmdir"], action, errnoRet }]);
      expect(call(p, "mkdir")).toBe(want);
      expect(call(p, "rmdir")).toBe(want);
      expect(call(p, "getpid")).toBe(def === "SCMP_ACT_ALLOW" ? ALLOW : KILL_PROCESS);
    });
  }
  test("NOTIFY returns USER_NOTIF and asks for a listener", () => {
    const r = compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock", flags: ["SECCOMP_FILTER_FLAG_TSYNC"],
      syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }] }, "x64");
    expect(runFilter(r.program, { nr: x86_64.get("mkdir")!, arch: AUDIT_ARCH.X86_64 })).toBe(SECCOMP_RET.USER_NOTIF);
    expect(r.usesNotify).toBe(true);
    expect(r.flags).toBe(8); // NEW_LISTENER, and TSYNC dropped (the kernel refuses both together)
  });
});

// Every operator against values around the 32-bit boundaries, checked against BigInt arithmetic.
const U64 = (1n << 64n) - 1n;
const VALUES = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1fffffffen,
  0xffffffff00000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, U64 - 1n, U64, 0x123456789abcdef0n];
const OPS: Record<string, (a: bigint, v: bigint, v2: bigint) => boolean> = {
  SCMP_CMP_EQ: (a, v) => a === v,
  SCMP_CMP_NE: (a, v) => a !== v,
  SCMP_CMP_LT: (a, v) => a < v,
  SCMP_CMP_LE: (a, v) => a <= v,
  SCMP_CMP_GT: (a, v) => a > v,
  SCMP_CMP_GE: (a, v) => a >= v,
  SCMP_CMP_MASKED_EQ: (a, m, v) => (a & m) === v,
};

describe("64-bit argument comparisons", () => {
  for (const [op, holds] of Object.entries(OPS)) {
    test(op, () => {
      let checked = 0;
      for (const value of VALUES) {
        const valueTwo = op === "SCMP_CMP_MASKED_EQ" ? value & 0xf0f0f0f0f0f0f0f0n : 0n;
        for (const argIndex of [0, 5]) {
          const p = withRules("SCMP_ACT_ALLOW", [{ names: ["ioctl"], action: "SCMP_ACT_ERRNO", errnoRet: 99,
            args: [{ index: argIndex, op, value, valueTwo }] }]);
          for (const arg of VALUES) {
            const args = [0n, 0n, 0n, 0n, 0n, 0n];
            args[argIndex] = arg;
            const want = holds(arg, value, valueTwo) ? errno(99) : ALLOW;
            expect([op, value, arg, call(p, "ioctl", args)]).toEqual([op, value, arg, want]);
            checked++;
          }
        }
      }
      expect(checked).toBe(VALUES.length * VALUES.length * 2);
    });
  }
  test("a plain JSON number value works like a bigint one", () => {
    const p = withRules("SCMP_ACT_ALLOW", [{ names: ["ioctl"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, op: "SCMP_CMP_EQ", value: 0x5401 }] }]);
    expect(call(p, "ioctl", [3, 0x5401])).toBe(errno(EPERM));
    expect(call(p, "ioctl", [3, 0x100005401n])).toBe(ALLOW);
  });
});

describe("rule combination", () => {
  test("conditions on different arguments must all hold (AND)", () => {
    const p = withRules("SCMP_ACT_ALLOW", [{ names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 22,
      args: [{ index: 0, op: "SCMP_CMP_EQ", value: 16 }, { index: 2, op: "SCMP_CMP_EQ", value: 9 }] }]);
    expect(call(p, "socket", [16, 3, 9])).toBe(errno(22));
    expect(call(p, "socket", [16, 3, 0])).toBe(ALLOW);
    expect(call(p, "socket", [2, 3, 9])).toBe(ALLOW);
  });
  test("two conditions on the same argument become separate rules (OR), as runc does", () => {
    const p = withRules("SCMP_ACT_ERRNO", [{ names: ["personality"], action: "SCMP_ACT_ALLOW",
      args: [{ index: 0, op: "SCMP_CMP_EQ", value: 0 }, { index: 0, op: "SCMP_CMP_EQ", value: 8 }] }]);
    expect(call(p, "personality", [0])).toBe(ALLOW);
    expect(call(p, "personality", [8])).toBe(ALLOW);
    expect(call(p, "personality", [1])).toBe(errno(EPERM));
  });
  test("several rules for one syscall: first matching rule in config order, else the default", () => {
    const p = withRules("SCMP_ACT_ERRNO", [
      { names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 22, args: [{ index: 0, op: "SCMP_CMP_EQ", value: 16 }, { index: 2, op: "SCMP_CMP_EQ", value: 9 }] },
      { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 2, op: "SCMP_CMP_NE", value: 9 }] },
      { names: ["socket"], action: "SCMP_ACT_LOG", args: [{ index: 0, op: "SCMP_CMP_NE", value: 16 }] },
    ]);
    expect(call(p, "socket", [16, 3, 9])).toBe(errno(22));
    expect(call(p, "socket", [16, 3, 0])).toBe(ALLOW);
    expect(call(p, "socket", [2, 3, 9])).toBe(SECCOMP_RET.LOG);
    expect(call(p, "socket", [2, 3, 0])).toBe(ALLOW);
  });
  test("an unconditional rule overrides conditional ones; the first unconditional rule wins", () => {
    const p = withRules("SCMP_ACT_ERRNO", [
      { names: ["setns"], action: "SCMP_ACT_TRAP", args: [{ index: 1, op: "SCMP_CMP_EQ", value: 0 }] },
      { names: ["setns", "mkdir"], action: "SCMP_ACT_ALLOW" },
      { names: ["setns"], action: "SCMP_ACT_KILL" },
      { names: ["mkdir"], action: "SCMP_ACT_LOG", args: [{ index: 1, op: "SCMP_CMP_EQ", value: 0 }] },
    ]);
    expect(call(p, "setns", [3, 0])).toBe(ALLOW);
    expect(call(p, "mkdir", [0, 0])).toBe(ALLOW);
  });
  test("a rule with the default action is dropped and does not shadow later rules (runc)", () => {
    const p = withRules("SCMP_ACT_ERRNO", [
      { names: ["mkdir"], action: "SCMP_ACT_ERRNO" },
      { names: ["mkdir"], action: "SCMP_ACT_ALLOW" },
    ]);
    expect(call(p, "mkdir")).toBe(ALLOW);
  });
  test("a syscall with more rules than one short jump can skip (block > 255 instructions)", () => {
    const rules: LinuxSyscall[] = Array.from({ length: 60 }, (_, i) => ({ names: ["personality"], action: "SCMP_ACT_ALLOW",
      args: [{ index: 0, op: "SCMP_CMP_EQ", value: 1000 + i }] }));
    const p = withRules("SCMP_ACT_ERRNO", [...rules, { names: ["read"], action: "SCMP_ACT_ALLOW" },
      { names: ["write"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, op: "SCMP_CMP_EQ", value: 1 }] }]);
    expect(call(p, "personality", [1000])).toBe(ALLOW);
    expect(call(p, "personality", [1059])).toBe(ALLOW);
    expect(call(p, "personality", [1060])).toBe(errno(EPERM));
    expect(call(p, "write", [1])).toBe(ALLOW);
    expect(call(p, "write", [2])).toBe(errno(EPERM));
    expect(call(p, "read")).toBe(ALLOW);
  });
});

describe("architectures", () => {
  const spec: LinuxSeccomp = { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_ERRNO" }] };
  test("only the native ABI when none is listed: i386 and x32 syscalls are killed", () => {
    const p = compile(spec);
    expect(call(p, "mkdir")).toBe(errno(EPERM));
    expect(runFilter(p, { nr: x86.get("getpid")!, arch: AUDIT_ARCH.I386 })).toBe(KILL_PROCESS);
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 39, arch: AUDIT_ARCH.X86_64 })).toBe(KILL_PROCESS);
    expect(runFilter(p, { nr: 0, arch: AUDIT_ARCH.AARCH64 })).toBe(KILL_PROCESS);
  });
  test("listed i386 uses the i386 numbers", () => {
    const p = compile({ ...spec, architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"] });
    expect(runFilter(p, { nr: x86.get("mkdir")!, arch: AUDIT_ARCH.I386 })).toBe(errno(EPERM));
    expect(runFilter(p, { nr: x86_64.get("mkdir")!, arch: AUDIT_ARCH.I386 })).toBe(ALLOW); // 83 is symlink on i386
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 83, arch: AUDIT_ARCH.X86_64 })).toBe(KILL_PROCESS);
  });
  test("listed x32 uses x32 numbers (bit 30 set) under AUDIT_ARCH_X86_64", () => {
    const p = compile({ defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
      syscalls: [{ names: ["mkdir", "rt_sigaction"], action: "SCMP_ACT_ERRNO" }] });
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 83, arch: AUDIT_ARCH.X86_64 })).toBe(errno(EPERM));
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 512, arch: AUDIT_ARCH.X86_64 })).toBe(errno(EPERM)); // x32 rt_sigaction
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 13, arch: AUDIT_ARCH.X86_64 })).toBe(ALLOW); // 13 is 64-bit only
    expect(runFilter(p, { nr: 13, arch: AUDIT_ARCH.X86_64 })).toBe(errno(EPERM)); // x86_64 rt_sigaction
    expect(runFilter(p, { nr: 3, arch: AUDIT_ARCH.I386 })).toBe(KILL_PROCESS);
  });
  test("32-bit ABIs compare the low word of arguments only", () => {
    const p = compile({ defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86"],
      syscalls: [{ names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, op: "SCMP_CMP_EQ", value: 0xffffffffffffffffn }] }] });
    expect(runFilter(p, { nr: x86.get("personality")!, arch: AUDIT_ARCH.I386, args: [0xffffffff] })).toBe(ALLOW);
    expect(runFilter(p, { nr: x86.get("personality")!, arch: AUDIT_ARCH.I386, args: [0] })).toBe(errno(EPERM));
    expect(call(p, "personality", [0xffffffff])).toBe(errno(EPERM)); // x86_64 compares all 64 bits
  });
  test("an arm64 host gets AArch64 and ARM sections; other machines' arches are skipped with a note", () => {
    const r = compileSeccomp({ ...spec, architectures: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X86_64", "SCMP_ARCH_S390X"] }, "arm64");
    expect(structuralProblems(r.program)).toEqual([]);
    expect(runFilter(r.program, { nr: 34, arch: AUDIT_ARCH.AARCH64 })).toBe(ALLOW); // mkdirat
    expect(runFilter(r.program, { nr: 39, arch: AUDIT_ARCH.ARM })).toBe(errno(EPERM)); // arm mkdir
    expect(runFilter(r.program, { nr: 83, arch: AUDIT_ARCH.X86_64 })).toBe(KILL_PROCESS);
    expect(r.notes.join("\n")).toContain("SCMP_ARCH_X86_64 cannot run on this arm64 machine");
    expect(r.notes.join("\n")).toContain("SCMP_ARCH_S390X");
  });
});

describe("syscalls newer than the profile", () => {
  test("get -ENOSYS under a denying default, so libc falls back (runc's stub)", () => {
    const p = withRules("SCMP_ACT_ERRNO", [{ names: ["read", "openat"], action: "SCMP_ACT_ALLOW" }]);
    expect(call(p, "openat")).toBe(ALLOW);
    expect(call(p, "close")).toBe(errno(EPERM)); // known to the profile's range: default
    expect(call(p, "clone3")).toBe(errno(ENOSYS)); // 435 > openat (257)
    expect(call(p, 0x3fffffff)).toBe(errno(ENOSYS));
  });
  test("no stub when the default lets syscalls run", () => {
    const p = withRules("SCMP_ACT_ALLOW", [{ names: ["mkdir"], action: "SCMP_ACT_ERRNO" }]);
    expect(call(p, 999)).toBe(ALLOW);
  });
});

describe("long programs", () => {
  test("every x86_64 syscall in one rule, and each with its own errno", () => {
    const names = [...x86_64.keys()];
    const p1 = withRules("SCMP_ACT_KILL_PROCESS", [{ names, action: "SCMP_ACT_ALLOW" }]);
    for (const n of names) expect(call(p1, n)).toBe(ALLOW);
    expect(call(p1, 335)).toBe(KILL_PROCESS); // a hole in the table
    const p2 = withRules("SCMP_ACT_ALLOW", names.map((n, i) => ({ names: [n], action: "SCMP_ACT_ERRNO", errnoRet: i + 1 })));
    names.forEach((n, i) => expect(call(p2, n)).toBe(errno(i + 1)));
  });
  test("a profile over the kernel's 4096 instructions is refused with a clear message", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ names: ["ioctl"], action: "SCMP_ACT_ALLOW",
      args: [{ index: 1, op: "SCMP_CMP_EQ", value: i }] }));
    expect(() => compileSeccomp({ defaultAction: "SCMP_ACT_ERRNO", syscalls: many }, "x64")).toThrow(/compiles to \d+ BPF instructions; the kernel accepts at most 4096/);
  });
});
