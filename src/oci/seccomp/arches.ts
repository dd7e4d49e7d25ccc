// Seccomp architectures: the OCI/libseccomp SCMP_ARCH_* names, the AUDIT_ARCH_* value the kernel
// puts in seccomp_data.arch, and our syscall table for each ABI this host's kernel can run.
import { UserError } from "../../common/errors.ts";

export const AUDIT_ARCH = {
  X86_64: 0xc000003e,
  I386: 0x40000003,
  AARCH64: 0xc00000b7,
  ARM: 0x40000028,
} as const;

/** x32 shares AUDIT_ARCH_X86_64 and marks its syscall numbers with this bit. */
export const X32_SYSCALL_BIT = 0x40000000;

export interface ArchSpec {
  /** SCMP_ARCH_* name. */
  name: string;
  audit: number;
  /**
   * Only the low 32 bits of an argument are compared (libseccomp's rule for 32-bit ABIs, whose
   * registers the kernel zero-extends). x32 uses 64-bit registers, so its arguments are compared
   * in full.
   */
  args32: boolean;
  syscalls: ReadonlyMap<string, number>;
}

type Table = { syscalls: ReadonlyMap<string, number> };
/** Literal paths, so `bun build --compile` (setup's bin/) bundles every table. */
const TABLES: Record<string, () => Table> = {
  x86_64: () => require("./syscalls/x86_64.ts"),
  x32: () => require("./syscalls/x32.ts"),
  x86: () => require("./syscalls/x86.ts"),
  aarch64: () => require("./syscalls/aarch64.ts"),
  arm: () => require("./syscalls/arm.ts"),
};

/**
 * Tables load on first use (synchronous require): a host only needs its own family, and each
 * table costs ~0.3 ms to load on a container's create path.
 */
function arch(name: string, audit: number, args32: boolean, table: string): ArchSpec {
  let syscalls: ReadonlyMap<string, number> | undefined;
  return {
    name, audit, args32,
    get syscalls() {
      return (syscalls ??= TABLES[table]!().syscalls);
    },
  };
}

const SPECS: Record<string, ArchSpec> = {
  SCMP_ARCH_X86_64: arch("SCMP_ARCH_X86_64", AUDIT_ARCH.X86_64, false, "x86_64"),
  SCMP_ARCH_X32: arch("SCMP_ARCH_X32", AUDIT_ARCH.X86_64, false, "x32"),
  SCMP_ARCH_X86: arch("SCMP_ARCH_X86", AUDIT_ARCH.I386, true, "x86"),
  SCMP_ARCH_AARCH64: arch("SCMP_ARCH_AARCH64", AUDIT_ARCH.AARCH64, false, "aarch64"),
  SCMP_ARCH_ARM: arch("SCMP_ARCH_ARM", AUDIT_ARCH.ARM, true, "arm"),
};

/** The architectures whose syscall tables the compiler has (filter sections it can write). */
export const COMPILED_ARCHES = Object.keys(SPECS);

/** Every architecture name libseccomp knows; the ones a host cannot run are skipped, not errors. */
const KNOWN = new Set([
  ...Object.keys(SPECS),
  "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
]);

/**
 * The ABIs a kernel of this machine architecture (Node's process.arch) can run, native first.
 * A kernel only ever reports these in seccomp_data.arch, so a filter section for any other
 * architecture would be dead code.
 */
const HOST_FAMILIES: Record<string, string[]> = {
  x64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  ia32: ["SCMP_ARCH_X86"],
  arm64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
  arm: ["SCMP_ARCH_ARM"],
};

/**
 * The architectures the filter covers: the host's native ABI (always, as libseccomp adds it) plus
 * each listed one this host can run. Names for other machines are skipped with a note; a name
 * libseccomp does not know is an error.
 */
export function selectArches(listed: unknown, hostArch: string, field: string, notes: string[]): ArchSpec[] {
  const family = HOST_FAMILIES[hostArch];
  if (!family) throw new UserError(`seccomp: no syscall tables for machine architecture ${hostArch}`);
  if (listed !== undefined && listed !== null && !Array.isArray(listed)) {
    throw new UserError(`${field}: must be an array of SCMP_ARCH_* names`);
  }
  const chosen = new Set([family[0]!]);
  for (const [i, name] of ((listed as unknown[] | undefined) ?? []).entries()) {
    if (typeof name !== "string" || !KNOWN.has(name)) {
      throw new UserError(`${field}[${i}]: unknown architecture ${JSON.stringify(name)}`);
    }
    if (family.includes(name)) chosen.add(name);
    else notes.push(`${field}[${i}]: ${name} cannot run on this ${hostArch} machine, skipped`);
  }
  // Native first: the common case then costs the fewest instructions.
  return family.filter((n) => chosen.has(n)).map((n) => SPECS[n]!);
}
