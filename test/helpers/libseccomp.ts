// libseccomp (the shared library runc and crun link) driven through bun:ffi, building the same
// filter runc would from an OCI linux.seccomp object. Used to cross-check our compiler's verdicts
// and to compare compile times; needs only libseccomp.so.2 (no headers).
import { dlopen, FFIType, ptr } from "bun:ffi";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LinuxSeccomp } from "../../src/oci/seccomp/types.ts";

export const LIBSECCOMP = "/lib/x86_64-linux-gnu/libseccomp.so.2";
export const haveLibseccomp = process.arch === "x64" && existsSync(LIBSECCOMP);

const ARCH_TOKENS: Record<string, number> = {
  SCMP_ARCH_X86_64: 0xc000003e,
  SCMP_ARCH_X86: 0x40000003,
  SCMP_ARCH_X32: 0x4000003e,
};
const OPS: Record<string, number> = {
  SCMP_CMP_NE: 1, SCMP_CMP_LT: 2, SCMP_CMP_LE: 3, SCMP_CMP_EQ: 4, SCMP_CMP_GE: 5, SCMP_CMP_GT: 6, SCMP_CMP_MASKED_EQ: 7,
};

function open() {
  const { symbols } = dlopen(LIBSECCOMP, {
    seccomp_init: { args: [FFIType.u32], returns: FFIType.ptr },
    seccomp_release: { args: [FFIType.ptr], returns: FFIType.void },
    seccomp_arch_add: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
    seccomp_attr_set: { args: [FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
    seccomp_syscall_resolve_name: { args: [FFIType.cstring], returns: FFIType.i32 },
    seccomp_rule_add_array: { args: [FFIType.ptr, FFIType.u32, FFIType.i32, FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
    seccomp_export_bpf: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  });
  return symbols;
}
let lib: ReturnType<typeof open> | undefined;

/** libseccomp action values, as runc converts OCI actions (errnoRet defaults to EPERM). */
function action(name: string, errnoRet: number | undefined): number {
  const base: Record<string, number> = {
    SCMP_ACT_KILL: 0, SCMP_ACT_KILL_THREAD: 0, SCMP_ACT_KILL_PROCESS: 0x80000000, SCMP_ACT_TRAP: 0x00030000,
    SCMP_ACT_ERRNO: 0x00050000, SCMP_ACT_TRACE: 0x7ff00000, SCMP_ACT_LOG: 0x7ffc0000, SCMP_ACT_ALLOW: 0x7fff0000,
    SCMP_ACT_NOTIFY: 0x7fc00000,
  };
  const b = base[name]!;
  return (b === 0x00050000 || b === 0x7ff00000 ? b | (errnoRet ?? 1) : b) >>> 0;
}

const cstr = (s: string) => Buffer.from(`${s}\0`);

/** Builds the filter as runc's InitSeccomp does and returns libseccomp's exported program. */
export function compileWithLibseccomp(spec: LinuxSeccomp): Buffer {
  lib ??= open();
  const def = action(spec.defaultAction, spec.defaultErrnoRet);
  const ctx = lib.seccomp_init(def);
  if (!ctx) throw new Error("seccomp_init failed");
  const file = join(tmpdir(), `nsbox-libseccomp-${process.pid}.bpf`);
  try {
    for (const a of spec.architectures ?? []) {
      const rc = lib.seccomp_arch_add(ctx, ARCH_TOKENS[a]!);
      if (rc !== 0 && rc !== -17) throw new Error(`seccomp_arch_add ${a}: ${rc}`); // -EEXIST: native
    }
    if ((spec.syscalls?.length ?? 0) > 32) lib.seccomp_attr_set(ctx, 8, 2); // SCMP_FLTATR_CTL_OPTIMIZE, as runc
    for (const call of spec.syscalls ?? []) {
      const act = action(call.action, call.errnoRet);
      if (act === def) continue;
      for (const name of call.names) {
        const nr = lib.seccomp_syscall_resolve_name(ptr(cstr(name)));
        if (nr === -1) continue; // __NR_SCMP_ERROR: unknown, runc ignores it
        const args = call.args ?? [];
        const sameArg = new Set(args.map((a) => a.index)).size < args.length;
        const groups = sameArg ? args.map((a) => [a]) : [args];
        for (const group of groups) {
          const arr = Buffer.alloc(24 * Math.max(group.length, 1));
          group.forEach((a, i) => {
            arr.writeUInt32LE(a.index, i * 24);
            arr.writeUInt32LE(OPS[a.op]!, i * 24 + 4);
            arr.writeBigUInt64LE(BigInt(a.value), i * 24 + 8);
            arr.writeBigUInt64LE(BigInt(a.valueTwo ?? 0), i * 24 + 16);
          });
          const rc = lib.seccomp_rule_add_array(ctx, act, nr, group.length, ptr(arr));
          if (rc !== 0) throw new Error(`seccomp_rule_add_array ${name}: ${rc}`);
        }
      }
    }
    const fd = openSync(file, "w");
    try {
      if (lib.seccomp_export_bpf(ctx, fd) !== 0) throw new Error("seccomp_export_bpf failed");
    } finally {
      closeSync(fd);
    }
    return readFileSync(file);
  } finally {
    lib.seccomp_release(ctx);
    rmSync(file, { force: true });
  }
}
