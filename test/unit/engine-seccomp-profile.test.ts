// The engine's linux.seccomp (src/engine/seccomp-profile.ts): docker's rule, and the default
// profile's resolution per capability set kept in a cache directory of the run root.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { DEFAULT_SECCOMP_PROFILE } from "../../src/oci/seccomp/default-profile.ts";
import { seccompFromProfile } from "../../src/oci/seccomp/profile.ts";
import { defaultSpec } from "../../src/oci/defaults.ts";
import { DOCKER_DEFAULT_CAPS } from "../../src/engine/spec.ts";
import { defaultSeccompCached, seccompFor } from "../../src/engine/seccomp-profile.ts";

const tmp = mkdtempSync("/tmp/nsbox-seccomp-profile-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const resolved = (caps: string[]) => seccompFromProfile(DEFAULT_SECCOMP_PROFILE, { arch: process.arch, capabilities: caps, kernel: release() });

describe("engine seccomp profile", () => {
  test("the cached resolution is the profile resolved for those capabilities, one file per set", () => {
    const dir = `${tmp}/a`;
    const first = defaultSeccompCached(dir, DOCKER_DEFAULT_CAPS);
    expect(first).toEqual(resolved(DOCKER_DEFAULT_CAPS));
    expect(readdirSync(dir)).toHaveLength(1);
    // The same set in another order: the same entry, read back equal.
    expect(defaultSeccompCached(dir, [...DOCKER_DEFAULT_CAPS].reverse())).toEqual(first);
    expect(readdirSync(dir)).toHaveLength(1);
    // A capability with rules of its own (CAP_SYS_ADMIN allows mount etc.): another entry, another result.
    const admin = [...DOCKER_DEFAULT_CAPS, "CAP_SYS_ADMIN"];
    expect(defaultSeccompCached(dir, admin)).toEqual(resolved(admin));
    expect(defaultSeccompCached(dir, admin)).not.toEqual(first);
    expect(readdirSync(dir).sort()).toHaveLength(2);
  });

  test("an entry that is not JSON is resolved again and replaced", () => {
    const dir = `${tmp}/b`;
    defaultSeccompCached(dir, DOCKER_DEFAULT_CAPS);
    const [name] = readdirSync(dir);
    writeFileSync(`${dir}/${name}`, "{trunc");
    expect(defaultSeccompCached(dir, DOCKER_DEFAULT_CAPS)).toEqual(resolved(DOCKER_DEFAULT_CAPS));
    expect(JSON.parse(readFileSync(`${dir}/${name}`, "utf8"))).toEqual(resolved(DOCKER_DEFAULT_CAPS));
  });

  test("a cache directory that cannot be made only costs time", () => {
    writeFileSync(`${tmp}/file`, "");
    expect(defaultSeccompCached(`${tmp}/file/sub`, DOCKER_DEFAULT_CAPS)).toEqual(resolved(DOCKER_DEFAULT_CAPS));
  });

  test("docker's rule: none for --privileged and seccomp=unconfined, a file's profile, a bad file is exit 125", () => {
    const dir = `${tmp}/c`;
    expect(seccompFor({ Privileged: true, SecurityOpt: null }, DOCKER_DEFAULT_CAPS, dir)).toBeUndefined();
    expect(seccompFor({ Privileged: false, SecurityOpt: ["seccomp=unconfined"] }, DOCKER_DEFAULT_CAPS, dir)).toBeUndefined();
    expect(seccompFor({ Privileged: false, SecurityOpt: null }, DOCKER_DEFAULT_CAPS, dir)).toEqual(resolved(DOCKER_DEFAULT_CAPS));
    const file = `${tmp}/profile.json`;
    writeFileSync(file, JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["chroot"], action: "SCMP_ACT_ERRNO" }] }));
    expect(seccompFor({ Privileged: false, SecurityOpt: [`seccomp=${file}`] }, DOCKER_DEFAULT_CAPS, dir)).toEqual({
      defaultAction: "SCMP_ACT_ALLOW", architectures: [], syscalls: [{ names: ["chroot"], action: "SCMP_ACT_ERRNO" }],
    });
    let err: { message: string; exitCode: number } | undefined;
    try {
      seccompFor({ Privileged: false, SecurityOpt: [`seccomp=${tmp}/missing.json`] }, DOCKER_DEFAULT_CAPS, dir);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.message).toStartWith(`--security-opt seccomp=${tmp}/missing.json: `);
    expect(err?.exitCode).toBe(125);
  });

  test("defaultSpec({ seccomp: false }) leaves linux.seccomp to the caller", () => {
    expect(defaultSpec({ seccomp: false }).linux!.seccomp).toBeUndefined();
    expect(defaultSpec().linux!.seccomp).toBeDefined();
  });
});
