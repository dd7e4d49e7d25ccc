// `nsbox-runtime spec` defaults carry the docker/podman default seccomp profile from the committed
// module (src/oci/seccomp/default-profile.ts), resolved for the capabilities granted.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { ENOSYS, SECCOMP_RET } from "../../src/oci/seccomp/actions.ts";
import { AUDIT_ARCH } from "../../src/oci/seccomp/arches.ts";
import { DEFAULT_SECCOMP_PROFILE } from "../../src/oci/seccomp/default-profile.ts";
import { compileSeccomp, type LinuxSeccomp } from "../../src/oci/seccomp/index.ts";
import { seccompFromProfile, type SeccompProfile } from "../../src/oci/seccomp/profile.ts";
import { syscalls as x86_64 } from "../../src/oci/seccomp/syscalls/x86_64.ts";
import { defaultSeccomp, defaultSpec, rootlessSpec } from "../../src/oci/defaults.ts";
import { runFilter } from "../helpers/seccomp-bpf.ts";

const errno = (e: number) => (SECCOMP_RET.ERRNO | e) >>> 0;
const EPERM = 1;
const verdict = (seccomp: LinuxSeccomp, name: string, args: number[] = []) =>
  runFilter(compileSeccomp(seccomp, "x64").program, { nr: x86_64.get(name)!, arch: AUDIT_ARCH.X86_64, args });

describe("default seccomp", () => {
  test("defaultSpec and rootlessSpec carry it, resolved for their capabilities", () => {
    const spec = defaultSpec();
    const seccomp = spec.linux!.seccomp as unknown as LinuxSeccomp;
    const caps = spec.process!.capabilities!.bounding!;
    expect(seccomp).toEqual(defaultSeccomp(caps)!);
    expect(seccomp.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(seccomp.defaultErrnoRet).toBe(ENOSYS);
    expect(rootlessSpec(1000, 1000).linux!.seccomp).toEqual(spec.linux!.seccomp);
  });

  test("x86_64 verdicts: common calls allowed, kernel-wide ones refused, unknown ones ENOSYS", () => {
    const s = defaultSeccomp(defaultSpec().process!.capabilities!.bounding!, "x64")!;
    expect(s.architectures).toEqual(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    for (const name of ["read", "execve", "clone3", "close_range", "mount", "arch_prctl"]) expect(verdict(s, name)).toBe(SECCOMP_RET.ALLOW);
    for (const name of ["kexec_load", "swapon", "userfaultfd", "chroot", "init_module", "finit_module", "bpf"]) {
      expect(verdict(s, name)).toBe(errno(EPERM));
    }
    for (const name of ["add_key", "io_uring_setup"]) expect(verdict(s, name)).toBe(errno(ENOSYS)); // not in the profile
  });

  test("capability rules follow the capabilities asked for", () => {
    const withChroot = defaultSeccomp(["CAP_SYS_CHROOT", "CAP_SYS_MODULE"], "x64")!;
    expect(verdict(withChroot, "chroot")).toBe(SECCOMP_RET.ALLOW);
    expect(verdict(withChroot, "init_module")).toBe(SECCOMP_RET.ALLOW);
    expect(verdict(defaultSeccomp([], "x64")!, "chroot")).toBe(errno(EPERM));
  });

  test("arm64 resolves; an architecture without rules gets none", () => {
    expect(defaultSeccomp([], "arm64")!.architectures).toEqual(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]);
    expect(defaultSeccomp([], "riscv64")).toBeUndefined();
  });

  const FILE = "/usr/share/containers/seccomp.json";
  test.skipIf(!existsSync(FILE))("the committed module matches containers-common's file (rerun scripts/gen-default-seccomp.ts)", () => {
    const fromFile = JSON.parse(readFileSync(FILE, "utf8")) as SeccompProfile;
    for (const caps of [[], ["CAP_AUDIT_WRITE"], ["CAP_SYS_ADMIN", "CAP_SYS_CHROOT", "CAP_DAC_READ_SEARCH"]]) {
      for (const arch of ["x64", "arm64"]) {
        expect(seccompFromProfile(DEFAULT_SECCOMP_PROFILE, { arch, capabilities: caps })).toEqual(seccompFromProfile(fromFile, { arch, capabilities: caps }));
      }
    }
  });
});
