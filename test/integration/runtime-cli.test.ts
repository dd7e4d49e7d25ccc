// nsbox-runtime's informational commands: spec (writes runc's default config.json, refuses to
// overwrite, --rootless), features (valid runtime-spec features JSON), --version and --help.
// spec --bundle writes into a temp dir; nothing here needs a container, but the CLI is run for real.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateSpec } from "../../src/oci/validate.ts";
import { oneErrorLine, Sandbox } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

describe("spec", () => {
  test("writes a valid config.json in the current directory, like runc spec", () => {
    const r = sb.rt(["spec"], { cwd: sb.dir });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const spec = JSON.parse(readFileSync(join(sb.dir, "config.json"), "utf8"));
    expect(() => validateSpec(spec)).not.toThrow();
    expect(spec).toMatchObject({ ociVersion: expect.stringMatching(/^1\./), root: { path: "rootfs", readonly: true }, process: { terminal: true, args: ["sh"], cwd: "/" } });
    expect(spec.linux.namespaces.map((n: { type: string }) => n.type).sort()).toEqual(["cgroup", "ipc", "mount", "network", "pid", "uts"]);
    expect(spec.mounts.map((m: { destination: string }) => m.destination)).toContain("/proc");
  });

  test("--bundle DIR writes there; an existing config.json is never overwritten", () => {
    const dir = join(sb.dir, "b");
    Bun.spawnSync(["mkdir", dir]);
    expect(sb.rt(["spec", "--bundle", dir]).code).toBe(0);
    writeFileSync(join(dir, "config.json"), "mine");
    const r = sb.rt(["spec", "--bundle", dir]);
    expect(oneErrorLine(r)).toMatch(/^nsbox-runtime: spec: .*config\.json exists/);
    expect(readFileSync(join(dir, "config.json"), "utf8")).toBe("mine");
  });

  test("--rootless adds a user namespace mapping the caller and drops the cgroup mount", () => {
    expect(sb.rt(["spec", "--rootless"], { cwd: sb.dir }).code).toBe(0);
    const spec = JSON.parse(readFileSync(join(sb.dir, "config.json"), "utf8"));
    expect(spec.linux.namespaces.map((n: { type: string }) => n.type)).toContain("user");
    expect(spec.linux.namespaces.map((n: { type: string }) => n.type)).not.toContain("network");
    expect(spec.linux.uidMappings).toEqual([{ containerID: 0, hostID: process.getuid!(), size: 1 }]);
    expect(spec.mounts.some((m: { destination: string }) => m.destination === "/sys/fs/cgroup")).toBe(false);
  });

  test("a bundle directory that does not exist gives one line", () => {
    expect(oneErrorLine(sb.rt(["spec", "--bundle", join(sb.dir, "missing")]))).toMatch(/^nsbox-runtime: spec: /);
    expect(existsSync(join(sb.dir, "missing"))).toBe(false);
  });
});

describe("features", () => {
  test("prints the runtime-spec features document", () => {
    const r = sb.rt(["features"]);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.ociVersionMin).toMatch(/^1\.0\./);
    expect(f.ociVersionMax).toMatch(/^1\.\d+\.\d+/);
    expect(f.linux.namespaces.sort()).toEqual(["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]);
    expect(f.linux.capabilities).toContain("CAP_SYS_ADMIN");
    const last = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"));
    expect(f.linux.capabilities.length).toBe(last + 1); // exactly what this kernel knows
    for (const opt of ["ro", "rbind", "rprivate", "nosuid"]) expect(f.mountOptions).toContain(opt);
    expect(f.hooks).toContain("prestart");
    expect(f.linux.cgroup).toMatchObject({ v1: true, v2: true });
    // what the seccomp compiler has tables and names for; what the launcher can apply
    expect(f.linux.seccomp.archs).toEqual(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"]);
    expect(f.linux.seccomp.knownFlags).toContain("SECCOMP_FILTER_FLAG_LOG");
    expect(f.linux.seccomp.supportedFlags).toContain("SECCOMP_FILTER_FLAG_TSYNC");
    expect({ apparmor: f.linux.apparmor, selinux: f.linux.selinux, intelRdt: f.linux.intelRdt }).toEqual({
      apparmor: { enabled: true }, selinux: { enabled: true }, intelRdt: { enabled: false },
    });
  });
});

describe("version and help", () => {
  test("--version names the runtime and the spec version", () => {
    const r = sb.rt(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nsbox-runtime version \S+\nspec: 1\.\d+\.\d+\n/);
  });

  test("--help lists the commands; no command at all is an error", () => {
    const help = sb.rt(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["create", "start", "run", "state", "kill", "delete", "exec", "list", "ps", "spec", "features"]) expect(help.stdout).toContain(cmd);
    expect(sb.rt([]).code).not.toBe(0);
  });

  test("an unknown option is one line with the program's name once", () => {
    expect(sb.rt(["--roott", "/tmp", "list"])).toMatchObject({ code: 1, stdout: "", stderr: "nsbox-runtime: unrecognized option '--roott'\n" });
    expect(sb.rt(["create", "--bundlee", "x", "c1"])).toMatchObject({ code: 1, stderr: "nsbox-runtime: create: unrecognized option '--bundlee'\n" });
  });
});
