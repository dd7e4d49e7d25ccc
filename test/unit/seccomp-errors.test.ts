// Bad linux.seccomp input: one clear message naming the JSON field. Plus flags and notes.
import { describe, expect, test } from "bun:test";
import { compileSeccomp, type LinuxSeccomp } from "../../src/oci/seccomp/index.ts";

const compile = (spec: unknown) => compileSeccomp(spec as LinuxSeccomp, "x64");
const rule = (r: Record<string, unknown>) => ({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_ERRNO", ...r }] });

describe("errors name the field", () => {
  const cases: [string, unknown, string][] = [
    ["not an object", [], "linux.seccomp: must be an object"],
    ["unknown default action", { defaultAction: "SCMP_ACT_NOPE" }, 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"'],
    ["missing default action", {}, 'linux.seccomp.defaultAction: must be a string such as "SCMP_ACT_ERRNO"'],
    ["NOTIFY as default", { defaultAction: "SCMP_ACT_NOTIFY" }, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"],
    ["defaultErrnoRet out of range", { defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 70000 }, "linux.seccomp.defaultErrnoRet: must be an integer from 0 to 65535, not 70000"],
    ["unknown arch", { defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "x86_64"] }, 'linux.seccomp.architectures[1]: unknown architecture "x86_64"'],
    ["unknown flag", { defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_LOG", "FLAG_X"] }, 'linux.seccomp.flags[1]: unknown seccomp flag "FLAG_X"'],
    ["syscalls not an array", { defaultAction: "SCMP_ACT_ALLOW", syscalls: {} }, "linux.seccomp.syscalls: must be an array"],
    ["names missing", { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ action: "SCMP_ACT_ERRNO" }] }, "linux.seccomp.syscalls[0].names: must be a non-empty array of syscall names"],
    ["empty name", rule({ names: ["mkdir", ""] }), 'linux.seccomp.syscalls[0].names[1]: must be a syscall name, not ""'],
    ["unknown action", rule({ action: "SCMP_ACT_MAYBE" }), 'linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_MAYBE"'],
    ["errnoRet not a number", rule({ errnoRet: "EPERM" }), 'linux.seccomp.syscalls[0].errnoRet: must be an integer from 0 to 65535, not "EPERM"'],
    ["args not an array", rule({ args: { index: 0 } }), "linux.seccomp.syscalls[0].args: must be an array"],
    ["index out of range", rule({ args: [{ index: 6, op: "SCMP_CMP_EQ", value: 1 }] }), "linux.seccomp.syscalls[0].args[0].index: must be an argument index from 0 to 5, not 6"],
    ["unknown operator", rule({ args: [{ index: 0, op: "SCMP_CMP_LIKE", value: 1 }] }), 'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_LIKE"'],
    ["missing value", rule({ args: [{ index: 0, op: "SCMP_CMP_EQ" }] }), "linux.seccomp.syscalls[0].args[0].value: missing"],
    ["negative value", rule({ args: [{ index: 0, op: "SCMP_CMP_EQ", value: -1 }] }), 'linux.seccomp.syscalls[0].args[0].value: must be an unsigned 64-bit integer, not "-1"'],
    ["imprecise value", rule({ args: [{ index: 0, op: "SCMP_CMP_EQ", value: 2 ** 60 + 2 ** 10 }] }), "linux.seccomp.syscalls[0].args[0].value: 1152921504606848000 is above 2^53 and may have lost precision"],
    ["valueTwo too big", rule({ args: [{ index: 0, op: "SCMP_CMP_MASKED_EQ", value: 1, valueTwo: 1n << 64n }] }), "linux.seccomp.syscalls[0].args[0].valueTwo: must be an unsigned 64-bit integer"],
    ["NOTIFY on write", { defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x", syscalls: [{ names: ["write"], action: "SCMP_ACT_NOTIFY" }] }, "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall"],
    ["NOTIFY without listener", { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }] }, "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"],
  ];
  for (const [what, spec, message] of cases) {
    test(what, () => {
      expect(() => compile(spec)).toThrow(message);
    });
  }
  test("a malformed entry is an error even when its syscall is unknown here", () => {
    expect(() => compile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["s390_runtime_instr"], action: "SCMP_ACT_X" }] }))
      .toThrow('linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_X"');
  });
  test("a machine without syscall tables is a clear error", () => {
    expect(() => compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW" }, "riscv64")).toThrow("seccomp: no syscall tables for machine architecture riscv64");
  });
});

describe("flags and notes", () => {
  test("flag names map to SECCOMP_FILTER_FLAG_* bits", () => {
    const r = compile({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"] });
    expect(r.flags).toBe(1 | 2 | 4);
  });
  test("WAIT_KILLABLE_RECV is kept with NOTIFY and dropped (noted) without it, as the kernel requires", () => {
    const withNotify = compile({ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/a.sock", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
      syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }] });
    expect(withNotify.flags).toBe(8 | 32);
    const without = compile({ defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"] });
    expect(without.flags).toBe(0);
    expect(without.notes.join("\n")).toContain("WAIT_KILLABLE_RECV ignored");
  });
  test("unknown syscall names are ignored and listed once in a note", () => {
    const r = compile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir", "no_such_call", "spu_run"], action: "SCMP_ACT_ERRNO" },
      { names: ["no_such_call"], action: "SCMP_ACT_KILL" }] });
    expect(r.notes).toEqual(["linux.seccomp.syscalls: 2 names unknown on SCMP_ARCH_X86_64 ignored: no_such_call, spu_run"]);
  });
  test("errnoRet on an action without an errno is noted, not an error", () => {
    const r = compile(rule({ action: "SCMP_ACT_KILL", errnoRet: 1 }));
    expect(r.notes).toEqual(["linux.seccomp.syscalls[0].errnoRet is ignored: SCMP_ACT_KILL returns no errno"]);
  });
  test("compiling does not modify the spec", () => {
    const spec = rule({ args: [{ index: 0, op: "SCMP_CMP_EQ", value: 1 }] });
    const before = JSON.stringify(spec);
    compile(spec);
    expect(JSON.stringify(spec)).toBe(before);
  });
});
