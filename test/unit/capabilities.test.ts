import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { CAPABILITIES, capabilityMask, capabilitySets, kernelLastCap, LAST_KNOWN_CAP, ownBoundingSet } from "../../src/oci/capabilities.ts";

describe("capability table", () => {
  const header = "/usr/include/linux/capability.h";
  test.skipIf(!existsSync(header))("agrees with linux/capability.h", () => {
    const fromHeader: Record<string, number> = {};
    for (const m of readFileSync(header, "utf8").matchAll(/^#define (CAP_[A-Z_]+)\s+(\d+)\s*$/gm)) {
      fromHeader[m[1]!] = Number(m[2]);
    }
    expect(CAPABILITIES).toEqual(fromHeader);
  });
  test("covers every bit from 0 to the last known capability", () => {
    expect(Object.values(CAPABILITIES).sort((a, b) => a - b)).toEqual(Array.from({ length: LAST_KNOWN_CAP + 1 }, (_, i) => i));
  });
  test("the kernel's last capability is read from /proc", () => {
    expect(kernelLastCap()).toBe(Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8")));
  });
});

describe("capabilityMask", () => {
  test("sets one bit per name", () => {
    expect(capabilityMask(["CAP_CHOWN", "CAP_KILL", "CAP_CHECKPOINT_RESTORE"], "f")).toBe((1n << 0n) | (1n << 5n) | (1n << 40n));
    expect(capabilityMask([], "f")).toBe(0n);
    expect(capabilityMask(undefined, "f")).toBe(0n);
  });
  test("an unknown name is an error naming the field and the name", () => {
    expect(() => capabilityMask(["CAP_CHOWN", "CAP_FOO"], "process.capabilities.bounding")).toThrow(
      'process.capabilities.bounding: unknown capability "CAP_FOO"',
    );
  });
  test("a near miss suggests the real name", () => {
    expect(() => capabilityMask(["chown"], "process.capabilities.effective")).toThrow(
      'process.capabilities.effective: unknown capability "chown" (did you mean "CAP_CHOWN"?)',
    );
  });
  test("inherited Object properties are not capabilities", () => {
    expect(() => capabilityMask(["toString"], "f")).toThrow('f: unknown capability "toString"');
  });
  test("a non-array or non-string is an error", () => {
    expect(() => capabilityMask("CAP_CHOWN", "f")).toThrow("f: must be an array of capability names");
    expect(() => capabilityMask([7], "f")).toThrow("f: unknown capability 7");
  });
});

describe("capabilitySets", () => {
  // A host that grants everything up to `lastCap` unless told otherwise.
  const host = (lastCap: number, bounding = (1n << 64n) - 1n) => ({ lastCap, bounding });
  const docker = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"];
  test("five masks", () => {
    const m = capabilityMask(docker, "f");
    const sets = capabilitySets({ bounding: docker, effective: docker, permitted: docker, inheritable: [], ambient: [] }, "process.capabilities", [], host(40));
    expect(sets).toEqual({ bounding: m, effective: m, permitted: m, inheritable: 0n, ambient: 0n });
    expect(m).toBe(0xa80425fbn); // docker's default set, as runc computes it
  });
  test("capabilities newer than the kernel are dropped with a note", () => {
    const notes: string[] = [];
    const sets = capabilitySets({ bounding: ["CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"] }, "process.capabilities", notes, host(38));
    expect(sets.bounding).toBe(1n);
    expect(notes).toEqual(["process.capabilities.bounding: CAP_BPF, CAP_CHECKPOINT_RESTORE not supported by this kernel (cap_last_cap 38), ignored"]);
  });
  test("ambient capabilities need permitted and inheritable; others are dropped quietly (runc's default spec has no inheritable)", () => {
    const notes: string[] = [];
    const sets = capabilitySets({ permitted: ["CAP_KILL", "CAP_CHOWN"], inheritable: ["CAP_KILL"], ambient: ["CAP_KILL", "CAP_CHOWN"] }, "p", notes, host(40));
    expect(sets.ambient).toBe(1n << 5n);
    expect(notes).toEqual([]);
  });
  test("unknown names are dropped with a note naming the set (runtime-spec: warn, do not fail)", () => {
    const notes: string[] = [];
    const sets = capabilitySets({ bounding: ["CAP_KILL", "CAP_TEST"], ambient: ["chown"] }, "process.capabilities", notes, host(40));
    expect(sets.bounding).toBe(1n << 5n);
    expect(sets.ambient).toBe(0n);
    expect(notes).toEqual([
      'process.capabilities.bounding: unknown capability "CAP_TEST", ignored',
      'process.capabilities.ambient: unknown capability "chown" (did you mean "CAP_CHOWN"?), ignored',
    ]);
  });
  test("capabilities outside the runtime's bounding set are dropped with one note (runtime-spec: cannot be granted, warn)", () => {
    const notes: string[] = [];
    const all = ["CAP_KILL", "CAP_SYS_RESOURCE", "CAP_SYS_ADMIN"];
    const withoutResource = ((1n << 41n) - 1n) & ~(1n << 24n);
    const sets = capabilitySets({ bounding: all, effective: all, permitted: all, inheritable: ["CAP_SYS_RESOURCE"], ambient: [] }, "process.capabilities", notes, host(40, withoutResource));
    const granted = (1n << 5n) | (1n << 21n);
    expect(sets).toEqual({ bounding: granted, effective: granted, permitted: granted, inheritable: 0n, ambient: 0n });
    expect(notes).toEqual([
      "process.capabilities: CAP_SYS_RESOURCE not in the runtime's own bounding set (this host withholds them), ignored in bounding, effective, inheritable, permitted",
    ]);
  });
  test("the runtime's bounding set is read from CapBnd", () => {
    expect(ownBoundingSet("Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\nCapAmb:\t0\n")).toBe(0x1fffeffffffn);
    expect(ownBoundingSet("no such line")).toBe((1n << 64n) - 1n);
    const own = /CapBnd:\s*([0-9a-f]+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
    expect(ownBoundingSet()).toBe(BigInt(`0x${own}`));
  });
  test("a malformed set is still an error naming the field", () => {
    expect(() => capabilitySets({ ambient: [7] }, "process.capabilities", [], host(40))).toThrow("process.capabilities.ambient: unknown capability 7");
    expect(() => capabilitySets({ bounding: "CAP_KILL" }, "process.capabilities", [], host(40))).toThrow(
      "process.capabilities.bounding: must be an array of capability names",
    );
  });
});
