// Namespaces through the real launcher: PA_ENTER_ROOT with a new mount namespace (propagation
// of "/" first, mounts inside the new root, util-linux unshare's order), util-linux nsenter's
// two-pass join, and supplementary groups in a joined user namespace whose setgroups is "deny".
// Needs root.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, LAUNCHER_PATH, LaunchError } from "../../src/linux/launcher.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";
import { CLONE, MS } from "../../src/linux/plan-ids.ts";
import { runWrapped } from "./launcher-util.ts";
import { Sleeper } from "./ns-util.ts";

const ROOTFS = join(import.meta.dir, "../../build/rootfs/busybox");
const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH) && existsSync(`${ROOTFS}/bin/busybox`);
const dir = mkdtempSync(join(tmpdir(), "nsbox-launcher-ns-"));
const sleepers: Sleeper[] = [];
afterAll(() => {
  for (const s of sleepers) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

const env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"];

async function output(plan: LaunchPlan) {
  const file = join(dir, "out");
  const fd = openSync(file, "w");
  try {
    const l = await launch(plan, { stdio: ["ignore", fd, fd] });
    return { status: await l.exited, output: readFileSync(file, "utf8") };
  } finally {
    closeSync(fd);
  }
}

/** A sleeping process started by util-linux unshare with `flags`; resolves to its PID. */
async function sleeper(flags: string[], setup = "") {
  const s = new Sleeper(["unshare", "--fork", ...flags, "sh", "-c", `${setup} exec sleep 60`]);
  sleepers.push(s);
  return s.leaf();
}

describe.skipIf(!usable)("PA_ENTER_ROOT in a new mount namespace", () => {
  const proc = { source: "proc", destination: "/proc", type: "proc", flags: MS.NOSUID | MS.NODEV | MS.NOEXEC };
  for (const [name, propagation] of [["private", MS.REC | MS.PRIVATE], ["slave", MS.REC | MS.SLAVE], ["unchanged", undefined]] as const) {
    test(`propagation ${name}: "/" changed before the chroot, proc mounted inside the root, cwd kept`, async () => {
      const r = await output({
        args: ["sh", "-c", "pwd; grep -c '^proc /proc proc ' /proc/self/mounts; ls /proc/1/ >/dev/null && echo pid-ns-proc"],
        env,
        foreground: true,
        newNamespaces: CLONE.NEWNS | CLONE.NEWPID,
        rootPropagation: propagation,
        enterRoot: ROOTFS,
        enterCwd: join(ROOTFS, "etc"),
        mounts: [proc],
      });
      expect(r).toEqual({ status: 0, output: "/etc\n1\npid-ns-proc\n" });
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(` ${ROOTFS}/proc `);
    });
  }
  test("a missing root is reported by stage 0, before any namespace exists", async () => {
    const err = await launch({ args: ["true"], env, foreground: true, newNamespaces: CLONE.NEWNS, enterRoot: join(dir, "nope") }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.stage, err.step, err.path, err.code]).toEqual(["stage0", "open root directory", join(dir, "nope"), "ENOENT"]);
  });
});

describe.skipIf(!usable)("joining namespaces (util-linux nsenter's two passes)", () => {
  test("a user namespace plus a namespace it does not own: the other one is joined first", async () => {
    // "user first" fails here: inside the child user namespace we have no right over a UTS
    // namespace owned by the initial one.
    const userPid = await sleeper(["-U", "--map-root-user"]);
    const utsPid = await sleeper(["-u"], "hostname joined-uts;");
    const r = await output({
      args: ["sh", "-c", "hostname; cat /proc/self/uid_map | tr -s ' '"],
      env,
      foreground: true,
      noFork: true,
      join: [{ type: CLONE.NEWUSER, path: `/proc/${userPid}/ns/user` }, { type: CLONE.NEWUTS, path: `/proc/${utsPid}/ns/uts` }],
    });
    expect(r).toEqual({ status: 0, output: "joined-uts\n 0 0 1\n" });
  });
  test("a namespace that cannot be joined is reported with its path (second pass)", async () => {
    const err = await launch({ args: ["true"], env, foreground: true, join: [{ type: CLONE.NEWUSER, path: "/proc/self/ns/user" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.stage, err.step, err.path, err.code]).toEqual(["stage1", "setns", "/proc/self/ns/user", "EINVAL"]);
  });
  test("joined namespaces plus a new user namespace: joined first, as the caller", async () => {
    const utsPid = await sleeper(["-u"], "hostname before-userns;");
    const r = await output({
      args: ["sh", "-c", "hostname; cat /proc/self/uid_map | tr -s ' '"],
      env,
      foreground: true,
      newNamespaces: CLONE.NEWUSER,
      uidMap: "0 0 1\n",
      gidMap: "0 0 1\n",
      join: [{ type: CLONE.NEWUTS, path: `/proc/${utsPid}/ns/uts` }],
    });
    expect(r).toEqual({ status: 0, output: "before-userns\n 0 0 1\n" });
  });
});

describe.skipIf(!usable)("supplementary groups and a joined user namespace with setgroups \"deny\"", () => {
  const GROUPS = 'exec setpriv --groups 5,6 -- "$LAUNCHER"'; // a caller with groups 5 and 6
  test("an identity is set: the caller's groups are dropped before joining", async () => {
    const userPid = await sleeper(["--map-root-user"]); // writes "deny" to setgroups
    expect(readFileSync(`/proc/${userPid}/setgroups`, "utf8")).toBe("deny\n");
    const show = ["grep", "-E", "^(Uid|Gid|Groups):", "/proc/self/status"];
    const r = runWrapped(dir, { args: show, env, foreground: true, uid: 0, gid: 0, join: [{ type: CLONE.NEWUSER, path: `/proc/${userPid}/ns/user` }] }, GROUPS);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/[ \t]+/g, " ")).toBe("Uid: 0 0 0 0\nGid: 0 0 0 0\nGroups: \n");
    // The control: without an identity the launcher changes nothing, the groups stay.
    const kept = runWrapped(dir, { args: show, env, foreground: true, join: [{ type: CLONE.NEWUSER, path: `/proc/${userPid}/ns/user` }] }, GROUPS);
    expect(kept.stdout).toMatch(/^Groups:\s+65534 65534\s*$/m);
  });
  test("groups asked for where setgroups is denied: an error, never silently dropped", async () => {
    const userPid = await sleeper(["--map-root-user"]);
    const r = runWrapped(dir, { args: ["true"], env, foreground: true, uid: 0, gid: 0, groups: [0], join: [{ type: CLONE.NEWUSER, path: `/proc/${userPid}/ns/user` }] });
    expect([r.code, r.stderr]).toEqual([125, `launch error stage2\tsetgroups\t/proc/self/setgroups is "deny" in this user namespace\t1\n`]);
  });
});
