// Differential test: the same OCI profiles compiled by our compiler and by libseccomp (what runc
// and crun use, through bun:ffi), both programs run in the cBPF interpreter over every syscall
// number of each ABI and many 64-bit argument values; the verdicts must agree. Known, deliberate
// differences are normalized explicitly below (see docs/seccomp.md).
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { SECCOMP_RET } from "../../src/oci/seccomp/actions.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT } from "../../src/oci/seccomp/arches.ts";
import { compileSeccomp, type LinuxSeccomp } from "../../src/oci/seccomp/index.ts";
import { seccompFromProfile, type SeccompProfile } from "../../src/oci/seccomp/profile.ts";
import { compileWithLibseccomp, haveLibseccomp } from "../helpers/libseccomp.ts";
import { runFilter } from "../helpers/seccomp-bpf.ts";

const VALUES = [0n, 1n, 8n, 9n, 16n, 0x7fffffffn, 0xffffffffn, 0x100000000n, 0x100000008n, 0x7e020000n, 0x10000000n,
  0xffffffff00000000n, 0x8000000000000000n, (1n << 64n) - 1n];

interface Probe { arch: number; nr: number; args: bigint[] }

/**
 * Argument probes for x32 stay below 2^32: libseccomp compares only the low word of x32
 * arguments, we compare all 64 bits of x32's 64-bit registers (a deliberate difference).
 */
function probes(argSyscalls: { arch: number; nr: number; index: number }[], x32Syscalls = true): Probe[] {
  const out: Probe[] = [];
  for (let nr = 0; nr < 480; nr++) {
    out.push({ arch: AUDIT_ARCH.X86_64, nr, args: [] }, { arch: AUDIT_ARCH.I386, nr, args: [] });
    if (nr % 50 === 0) out.push({ arch: AUDIT_ARCH.AARCH64, nr, args: [] }); // foreign to the filter
  }
  if (x32Syscalls) for (let nr = 0; nr < 560; nr++) out.push({ arch: AUDIT_ARCH.X86_64, nr: X32_SYSCALL_BIT | nr, args: [] });
  for (const { arch, nr, index } of argSyscalls) {
    const x32 = arch === AUDIT_ARCH.X86_64 && nr >= X32_SYSCALL_BIT;
    for (const v of VALUES.filter((v) => !x32 || v <= 0xffffffffn)) for (const w of [0n, 9n, 0xffffffffn]) {
      const args = [0n, 0n, 0n, 0n, 0n, 0n];
      args[index] = v;
      args[(index + 2) % 6] = w;
      out.push({ arch, nr, args });
    }
  }
  return out;
}

/** Verdict pairs that differ, after our deliberate deviation (bad arch kills the process). */
function differences(spec: LinuxSeccomp, list: Probe[]): string[] {
  const ours = compileSeccomp(spec, "x64").program;
  const theirs = compileWithLibseccomp(spec);
  const diffs: string[] = [];
  for (const p of list) {
    const a = runFilter(ours, p);
    let b = runFilter(theirs, p);
    // libseccomp's default bad-arch action kills the thread; ours kills the process.
    if (p.arch === AUDIT_ARCH.AARCH64 && b === SECCOMP_RET.KILL_THREAD) b = SECCOMP_RET.KILL_PROCESS;
    if (a !== b) diffs.push(`arch ${p.arch.toString(16)} nr ${p.nr} args ${p.args.join(",")}: ours ${a.toString(16)} libseccomp ${b.toString(16)}`);
  }
  return diffs;
}

const X86_64 = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"];

describe.skipIf(!haveLibseccomp)("agrees with libseccomp", () => {
  const PROFILE = "/usr/share/containers/seccomp.json";
  test.skipIf(!existsSync(PROFILE))("podman's default profile, with podman's capabilities and with all", () => {
    const profile = JSON.parse(readFileSync(PROFILE, "utf8")) as SeccompProfile;
    const argSyscalls = [
      { arch: AUDIT_ARCH.X86_64, nr: 135, index: 0 }, // personality
      { arch: AUDIT_ARCH.X86_64, nr: 41, index: 0 }, // socket
      { arch: AUDIT_ARCH.X86_64, nr: 41, index: 2 },
      { arch: AUDIT_ARCH.I386, nr: 136, index: 0 }, // personality
      { arch: AUDIT_ARCH.I386, nr: 359, index: 2 }, // socket
      { arch: AUDIT_ARCH.X86_64, nr: X32_SYSCALL_BIT | 41, index: 0 },
    ];
    for (const caps of [["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_CHROOT"], ["CAP_SYS_ADMIN", "CAP_AUDIT_WRITE", "CAP_SYS_PTRACE"]]) {
      expect(differences(seccompFromProfile(profile, { arch: "x64", capabilities: caps }), probes(argSyscalls))).toEqual([]);
    }
  });
  test("every operator on 64-bit arguments, on x86_64, i386 and x32", () => {
    const ops = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"];
    // One syscall per operator (x86_64 numbers 16..22: ioctl, pread64, pwrite64, readv, writev, access, pipe).
    const names = ["ioctl", "pread64", "pwrite64", "readv", "writev", "access", "pipe"];
    for (const value of [9n, 0xffffffffn, 0x100000008n, 0x8000000000000000n]) {
      const spec: LinuxSeccomp = {
        defaultAction: "SCMP_ACT_ALLOW",
        architectures: X86_64,
        syscalls: ops.map((op, i) => ({ names: [names[i]!], action: "SCMP_ACT_ERRNO", errnoRet: 10 + i,
          args: [{ index: 1, op, value, valueTwo: op === "SCMP_CMP_MASKED_EQ" ? value & 0xff0000000fn : 0n },
            { index: 3, op: "SCMP_CMP_NE", value: 7 }] })),
      };
      const argSyscalls = [16, 17, 18, 19, 20, 21, 22].flatMap((nr) => [
        { arch: AUDIT_ARCH.X86_64, nr, index: 1 },
        ...(value <= 0xffffffffn ? [{ arch: AUDIT_ARCH.X86_64, nr: X32_SYSCALL_BIT | nr, index: 1 }] : []),
      ]).concat([54, 180, 181, 145, 146, 33, 42].map((nr) => ({ arch: AUDIT_ARCH.I386, nr, index: 1 })));
      // A rule value above 32 bits means something else to libseccomp on x32 (it truncates).
      expect(differences(spec, probes(argSyscalls, value <= 0xffffffffn))).toEqual([]);
    }
  });
  test("several rules for one syscall, same-argument ORs and overriding unconditional rules", () => {
    const spec: LinuxSeccomp = {
      defaultAction: "SCMP_ACT_ERRNO",
      defaultErrnoRet: 38,
      architectures: X86_64,
      syscalls: [
        { names: ["read", "write", "close", "setns", "mkdir"], action: "SCMP_ACT_ALLOW" },
        { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, op: "SCMP_CMP_EQ", value: 0 }, { index: 0, op: "SCMP_CMP_EQ", value: 8 }] },
        { names: ["setns", "kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1 },
        { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, op: "SCMP_CMP_NE", value: 16 }] },
        { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 2, op: "SCMP_CMP_NE", value: 9 }] },
        { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, op: "SCMP_CMP_MASKED_EQ", value: 0x7e020000, valueTwo: 0 }] },
        { names: ["mkdir"], action: "SCMP_ACT_KILL", args: [{ index: 1, op: "SCMP_CMP_EQ", value: 9 }] },
      ],
    };
    const argSyscalls = [
      { arch: AUDIT_ARCH.X86_64, nr: 135, index: 0 }, { arch: AUDIT_ARCH.X86_64, nr: 41, index: 0 },
      { arch: AUDIT_ARCH.X86_64, nr: 56, index: 0 }, { arch: AUDIT_ARCH.X86_64, nr: 83, index: 1 },
      { arch: AUDIT_ARCH.I386, nr: 120, index: 0 },
    ];
    expect(differences(spec, probes(argSyscalls))).toEqual([]);
  });
});
