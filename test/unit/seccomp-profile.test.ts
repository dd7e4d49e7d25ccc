// Podman's default seccomp profile (Debian's golang-github-containers-common ships it as
// /usr/share/containers/seccomp.json), resolved for a container with podman's default
// capabilities, compiled and run through the cBPF interpreter.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { ENOSYS, SECCOMP_RET } from "../../src/oci/seccomp/actions.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT } from "../../src/oci/seccomp/arches.ts";
import { compileSeccomp } from "../../src/oci/seccomp/index.ts";
import { seccompFromProfile, type SeccompProfile } from "../../src/oci/seccomp/profile.ts";
import { syscalls as x86_64 } from "../../src/oci/seccomp/syscalls/x86_64.ts";
import { syscalls as x86 } from "../../src/oci/seccomp/syscalls/x86.ts";
import { syscalls as x32 } from "../../src/oci/seccomp/syscalls/x32.ts";
import { runFilter, structuralProblems } from "../helpers/seccomp-bpf.ts";

const PROFILE = "/usr/share/containers/seccomp.json";
const PODMAN_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
  "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"];
const ALLOW = SECCOMP_RET.ALLOW;
const errno = (e: number) => (SECCOMP_RET.ERRNO | e) >>> 0;
const [EPERM, EINVAL] = [1, 22];

describe.skipIf(!existsSync(PROFILE))("podman's default profile (install golang-github-containers-common)", () => {
  const profile = JSON.parse(existsSync(PROFILE) ? readFileSync(PROFILE, "utf8") : "{}") as SeccompProfile;
  const spec = seccompFromProfile(profile, { arch: "x64", capabilities: PODMAN_CAPS });
  const compiled = compileSeccomp(spec, "x64");
  const { program } = compiled;
  const x64 = (name: string, args: (number | bigint)[] = []) => runFilter(program, { nr: x86_64.get(name)!, arch: AUDIT_ARCH.X86_64, args });

  test("resolves archMap and includes/excludes like containers/common", () => {
    expect(spec.architectures).toEqual(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    expect(spec.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(spec.defaultErrnoRet).toBe(ENOSYS);
    const names = spec.syscalls!.flatMap((s) => s.names);
    expect(names).toContain("arch_prctl"); // includes.arches amd64
    expect(names).not.toContain("s390_pci_mmio_read"); // includes.arches s390
    expect(names).toContain("chroot"); // includes.caps CAP_SYS_CHROOT
    expect(spec.syscalls!.some((s) => s.names.includes("bpf") && s.action === "SCMP_ACT_ALLOW")).toBe(false);
  });

  test("compiles into a program the kernel's checker accepts", () => {
    expect(structuralProblems(program)).toEqual([]);
    expect(program.length / 8).toBeLessThan(2000);
    expect(compiled.flags).toBe(0);
    expect(compiled.usesNotify).toBe(false);
  });

  test("allows ordinary syscalls", () => {
    for (const name of ["read", "write", "openat", "execve", "clone", "clone3", "futex", "exit_group", "arch_prctl", "chroot", "mount"]) {
      expect([name, x64(name)]).toEqual([name, ALLOW]);
    }
  });
  test("denies the listed dangerous ones with EPERM", () => {
    for (const name of ["kexec_load", "kexec_file_load", "userfaultfd", "swapon", "bpf", "init_module", "perf_event_open", "acct", "settimeofday"]) {
      expect([name, x64(name)]).toEqual([name, errno(EPERM)]);
    }
  });
  test("setns is allowed: its unconditional allow comes first (libseccomp keeps the first)", () => {
    expect(x64("setns")).toBe(ALLOW);
  });
  test("syscalls the profile does not name get its default errno, ENOSYS", () => {
    expect(x64("create_module")).toBe(errno(ENOSYS));
    expect(runFilter(program, { nr: 1000, arch: AUDIT_ARCH.X86_64 })).toBe(errno(ENOSYS));
  });
  test("personality: only the listed personas", () => {
    expect(x64("personality", [0])).toBe(ALLOW);
    expect(x64("personality", [8])).toBe(ALLOW);
    expect(x64("personality", [0xffffffff])).toBe(ALLOW);
    expect(x64("personality", [1])).toBe(errno(ENOSYS));
    expect(x64("personality", [0x1_0000_0000n])).toBe(errno(ENOSYS)); // 64-bit compare, not truncated
  });
  test("socket: audit netlink sockets get EINVAL without CAP_AUDIT_WRITE", () => {
    expect(x64("socket", [16, 3, 9])).toBe(errno(EINVAL)); // AF_NETLINK, NETLINK_AUDIT
    expect(x64("socket", [16, 3, 0])).toBe(ALLOW);
    expect(x64("socket", [2, 1, 0])).toBe(ALLOW);
    const withAudit = compileSeccomp(seccompFromProfile(profile, { arch: "x64", capabilities: [...PODMAN_CAPS, "CAP_AUDIT_WRITE"] }), "x64");
    expect(runFilter(withAudit.program, { nr: x86_64.get("socket")!, arch: AUDIT_ARCH.X86_64, args: [16, 3, 9] })).toBe(ALLOW);
  });
  test("i386 and x32 processes are filtered with their own numbers", () => {
    expect(runFilter(program, { nr: x86.get("read")!, arch: AUDIT_ARCH.I386 })).toBe(ALLOW);
    expect(runFilter(program, { nr: x86.get("kexec_load")!, arch: AUDIT_ARCH.I386 })).toBe(errno(EPERM));
    expect(runFilter(program, { nr: x86.get("socketcall")!, arch: AUDIT_ARCH.I386 })).toBe(ALLOW);
    expect(runFilter(program, { nr: x32.get("read")!, arch: AUDIT_ARCH.X86_64 })).toBe(ALLOW);
    expect(runFilter(program, { nr: x32.get("kexec_load")!, arch: AUDIT_ARCH.X86_64 })).toBe(errno(EPERM));
    expect(runFilter(program, { nr: X32_SYSCALL_BIT | 999, arch: AUDIT_ARCH.X86_64 })).toBe(errno(ENOSYS));
  });
  test("other machines' syscalls are killed", () => {
    expect(runFilter(program, { nr: 63, arch: AUDIT_ARCH.AARCH64 })).toBe(SECCOMP_RET.KILL_PROCESS);
  });
  test("compiles in a few milliseconds", () => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) compileSeccomp(seccompFromProfile(profile, { arch: "x64", capabilities: PODMAN_CAPS }), "x64");
    const each = (performance.now() - t0) / 20;
    expect(each).toBeLessThan(20); // ~0.4 ms on the 2-core CI box; generous for noisy neighbours
  });
});

// Moby's default profile guards clone with an argument rule (podman's does not): the namespace
// flags must be clear unless the container has CAP_SYS_ADMIN. The rule as moby writes it:
test("moby's clone rule: CLONE_NEW* flags denied, plain fork/thread clones allowed", () => {
  const { program } = compileSeccomp({
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: EPERM,
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: [
      { names: ["read", "write", "exit"], action: "SCMP_ACT_ALLOW" },
      { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS },
    ],
  }, "x64");
  const clone = (flags: number) => runFilter(program, { nr: x86_64.get("clone")!, arch: AUDIT_ARCH.X86_64, args: [flags] });
  const SIGCHLD = 17;
  const THREAD = 0x3d0f00; // glibc pthread_create: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
  expect(clone(SIGCHLD)).toBe(ALLOW);
  expect(clone(THREAD)).toBe(ALLOW);
  expect(clone(0x10000000 | SIGCHLD)).toBe(errno(EPERM)); // CLONE_NEWUSER
  expect(clone(0x20000000)).toBe(errno(EPERM)); // CLONE_NEWPID
  expect(clone(0x00020000)).toBe(errno(EPERM)); // CLONE_NEWNS
  expect(runFilter(program, { nr: x86_64.get("clone3")!, arch: AUDIT_ARCH.X86_64 })).toBe(errno(ENOSYS));
  // i386 clone is nr 120 and compares the low word only
  expect(runFilter(program, { nr: x86.get("clone")!, arch: AUDIT_ARCH.I386, args: [0x10000000] })).toBe(errno(EPERM));
  expect(runFilter(program, { nr: x86.get("clone")!, arch: AUDIT_ARCH.I386, args: [SIGCHLD] })).toBe(ALLOW);
});
