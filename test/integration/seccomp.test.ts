// Compiled seccomp programs installed by the real launcher into a busybox container: the kernel
// accepts them and enforces errno, errnoRet, KILL and argument conditions. Needs root (the
// container gets its own mount namespace on the shared busybox rootfs, mounted read-only so a
// mkdir the filter lets through fails with EROFS and nothing is written).
import { describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capabilitySets } from "../../src/oci/capabilities.ts";
import { compileSeccomp, type LinuxSeccomp } from "../../src/oci/seccomp/index.ts";
import { seccompFromProfile, type SeccompProfile } from "../../src/oci/seccomp/profile.ts";
import { launch, LAUNCHER_PATH } from "../../src/linux/launcher.ts";
import { busyboxPlan, ROOTFS } from "./launcher-util.ts";

const PODMAN_PROFILE = "/usr/share/containers/seccomp.json";
const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH) && existsSync(`${ROOTFS}/bin/busybox`);
const SIGSYS = 31;

/** Runs `args` in a container with the seccomp profile; returns exit status and output. */
async function run(args: string[], seccomp: LinuxSeccomp | undefined, opts: { noNewPrivileges?: boolean; caps?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "nsbox-seccomp-"));
  const out = openSync(join(dir, "out"), "w");
  try {
    const launched = await launch(busyboxPlan(args, {
      env: ["PATH=/bin:/sbin:/usr/bin"],
      noNewPrivileges: opts.noNewPrivileges,
      capabilities: opts.caps ? capabilitySets({ bounding: opts.caps, effective: opts.caps, permitted: opts.caps }, "caps") : undefined,
      seccomp: seccomp ? compileSeccomp(seccomp) : undefined,
    }), { stdio: ["ignore", out, out] });
    const status = await launched.exited;
    return { status, output: readFileSync(join(dir, "out"), "utf8") };
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

const deny = (action: string, extra: Record<string, unknown> = {}): LinuxSeccomp => ({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [{ names: ["mkdir", "mkdirat"], action, ...extra }],
});

describe.skipIf(!usable)("seccomp in a real container", () => {
  test("without a filter, mkdir reaches the read-only rootfs (EROFS)", async () => {
    const r = await run(["/bin/mkdir", "/x"], undefined);
    expect(r.output).toContain("Read-only file system");
    expect(r.status).toBe(1);
  });
  test("SCMP_ACT_ERRNO makes mkdir fail with EPERM before the filesystem is asked", async () => {
    const r = await run(["/bin/mkdir", "/x"], deny("SCMP_ACT_ERRNO"));
    expect(r.output).toContain("Operation not permitted");
    expect(r.status).toBe(1);
  });
  test("errnoRet picks the errno (EDQUOT), also when the filter goes in after no_new_privs", async () => {
    const r = await run(["/bin/mkdir", "/x"], deny("SCMP_ACT_ERRNO", { errnoRet: 122 }), { noNewPrivileges: true });
    expect(r.output).toContain("Disk quota exceeded");
  });
  test("SCMP_ACT_KILL_PROCESS kills with SIGSYS", async () => {
    const r = await run(["/bin/mkdir", "/x"], deny("SCMP_ACT_KILL_PROCESS"));
    expect(r.status).toBe(128 + SIGSYS);
  });
  test("SCMP_ACT_KILL (thread) kills a single-threaded process with SIGSYS", async () => {
    const r = await run(["/bin/sh", "-c", "/bin/mkdir /x; echo status=$?"], deny("SCMP_ACT_KILL"));
    expect(r.output).toContain(`status=${128 + SIGSYS}`);
  });
  test("argument conditions: kill is denied for one signal number only", async () => {
    const SIGWINCH = 28; // ignored by default, so a kill that gets through is harmless
    const spec: LinuxSeccomp = {
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{ names: ["kill"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, op: "SCMP_CMP_EQ", value: SIGWINCH }] }],
    };
    const r = await run(["/bin/sh", "-c", "kill -0 $$ && echo zero-ok; kill -WINCH $$ || echo winch-denied; kill -URG $$ && echo urg-ok"], spec);
    expect(r.output).toContain("zero-ok");
    expect(r.output).toContain("Operation not permitted");
    expect(r.output).toContain("winch-denied");
    expect(r.output).toContain("urg-ok");
  });
  test.skipIf(!existsSync(PODMAN_PROFILE))("podman's default profile with podman's capabilities runs a shell", async () => {
    const caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
      "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"];
    const profile = JSON.parse(readFileSync(PODMAN_PROFILE, "utf8")) as SeccompProfile;
    const spec = seccompFromProfile(profile, { arch: process.arch, capabilities: caps });
    const r = await run(["/bin/sh", "-c", "echo hello; mkdir /x; ls /bin/busybox && echo listed"], spec, { caps });
    expect(r.output).toContain("hello");
    expect(r.output).toContain("Read-only file system");
    expect(r.output).toContain("listed");
    expect(r.status).toBe(0);
  });
});
