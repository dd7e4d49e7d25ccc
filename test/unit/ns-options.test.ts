// Option parsing and option -> launcher plan translation of `nsbox unshare` / `nsbox nsenter`,
// checked against util-linux's documented semantics. No root, no kernel.
import { describe, expect, test } from "bun:test";
import { MS } from "../../src/linux/plan-ids.ts";
import { getopt } from "../../src/common/getopt.ts";
import { NSENTER_SPECS, parseNsenterArgs } from "../../src/ns/nsenter-options.ts";
import { nsenterPlan, type NsenterContext } from "../../src/ns/nsenter-plan.ts";
import { parseSignal } from "../../src/ns/parse-values.ts";
import { programArgv0 } from "../../src/ns/program.ts";
import { describeFailure } from "../../src/ns/run-plan.ts";
import { nsfsMountCount } from "../../src/ns/persist-cleanup.ts";
import { CLONE_FLAG } from "../../src/ns/types.ts";
import { parseUnshareArgs, UNSHARE_SPECS } from "../../src/ns/unshare-options.ts";
import { unsharePlan, type UnshareContext } from "../../src/ns/unshare-plan.ts";
import { LaunchError } from "../../src/linux/launcher.ts";

const uctx = (over: Partial<UnshareContext> = {}): UnshareContext => ({
  euid: 1000, egid: 1000, userName: "alice", cwd: "/home/alice", env: { PATH: "/usr/bin:/bin", SHELL: "/bin/bash" },
  passwd: "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\nwww:x:33:33::/:/bin/false\n",
  group: "root:x:0:\nalice:x:1000:\nwww:x:33:\n", subuid: "alice:100000:65536\n", subgid: "alice:200000:65536\n",
  isMountPoint: (p) => p === "/proc" || p === "/",
  ...over,
});
const plan = (args: string[], over?: Partial<UnshareContext>) => unsharePlan(parseUnshareArgs(args, 1000, 1000), uctx(over));

describe("getopt (util-linux style)", () => {
  test("bundled shorts, optional args attached only, stop at the program", () => {
    const r = getopt(["-fpU", "--net=/run/netns/x", "--mount-proc", "ps", "-f"], UNSHARE_SPECS);
    expect(r.options).toEqual([{ name: "fork" }, { name: "pid" }, { name: "user" }, { name: "net", value: "/run/netns/x" }, { name: "mount-proc" }]);
    // unshare's short forms take no file (its optstring is "+fhVmuinpCTUr..."); nsenter's do, and
    // as in getopt(3) an optional argument is the rest of the word.
    expect(() => getopt(["-n/x"], UNSHARE_SPECS)).toThrow("invalid option -- '/'");
    expect(getopt(["-n/x", "-pU"], NSENTER_SPECS).options).toEqual([{ name: "net", value: "/x" }, { name: "pid", value: "U" }]);
    expect(r.rest).toEqual(["ps", "-f"]);
  });
  test("an optional argument is not taken from the next word", () => {
    expect(getopt(["-n", "ip"], UNSHARE_SPECS).rest).toEqual(["ip"]);
    expect(getopt(["--net", "ip"], UNSHARE_SPECS).rest).toEqual(["ip"]);
  });
  test("required arguments: attached, next word, or --opt=value; unique prefixes", () => {
    expect(getopt(["-S0", "-G", "5", "--prop=slave", "--wd", "/tmp"], UNSHARE_SPECS).options).toEqual([
      { name: "setuid", value: "0" }, { name: "setgid", value: "5" }, { name: "propagation", value: "slave" }, { name: "wd", value: "/tmp" },
    ]);
  });
  test("errors read like getopt's", () => {
    expect(() => getopt(["--bogus"], UNSHARE_SPECS)).toThrow("unrecognized option '--bogus'");
    expect(() => getopt(["-Q"], UNSHARE_SPECS)).toThrow("invalid option -- 'Q'");
    expect(() => getopt(["-S"], UNSHARE_SPECS)).toThrow("option requires an argument -- 'S'");
    expect(() => getopt(["--map"], UNSHARE_SPECS)).toThrow(/option '--map' is ambiguous/);
    expect(() => getopt(["--fork=1"], UNSHARE_SPECS)).toThrow("option '--fork' doesn't allow an argument");
    expect(getopt(["--", "-x"], UNSHARE_SPECS).rest).toEqual(["-x"]);
  });
});

describe("unshare options", () => {
  test("--mount-proc implies --mount; -r and --map-user imply --user; --kill-child implies --fork", () => {
    const o = parseUnshareArgs(["--mount-proc", "-r", "--kill-child=TERM"], 1000, 1000);
    expect([...o.create.keys()].sort()).toEqual(["mnt", "user"]);
    expect(o).toMatchObject({ mountProc: "/proc", mapUser: "0", mapGroup: "0", fork: true, killChild: 15 });
    expect(parseUnshareArgs(["--kill-child"], 0, 0).killChild).toBe(9);
  });
  test("bad values are refused with util-linux's messages", () => {
    expect(() => parseUnshareArgs(["--propagation", "weird"], 0, 0)).toThrow("unsupported propagation mode: weird");
    expect(() => parseUnshareArgs(["--setgroups=maybe"], 0, 0)).toThrow("unsupported --setgroups argument 'maybe'");
    expect(() => parseUnshareArgs(["--setgroups=allow", "-r"], 0, 0)).toThrow("mutually exclusive");
    expect(() => parseUnshareArgs(["--monotonic", "5"], 0, 0)).toThrow("require unsharing of a time namespace");
    expect(() => parseUnshareArgs(["-S", "x"], 0, 0)).toThrow("failed to parse uid: 'x'");
    expect(() => parseUnshareArgs(["--map-users=1,2"], 0, 0)).toThrow("invalid mapping '1,2'");
    expect(() => parseSignal("NOPE")).toThrow("unknown signal: NOPE");
  });
});

describe("unshare -> plan", () => {
  test("the lesson's command: --fork --pid --mount-proc", () => {
    const p = plan(["--fork", "--pid", "--mount-proc", "bash"]);
    expect(p.newNamespaces).toBe(CLONE_FLAG.pid | CLONE_FLAG.mnt);
    expect(p).toMatchObject({ foreground: true, noFork: false, args: ["bash"], rootPropagation: MS.REC | MS.PRIVATE });
    expect(p.mounts).toEqual([{ source: "proc", destination: "/proc", type: "proc", flags: MS.NOSUID | MS.NOEXEC | MS.NODEV }]);
    expect(p.env).toContain("PATH=/usr/bin:/bin");
  });
  test("without --fork the program itself is not in the new PID namespace (no fork)", () => {
    expect(plan(["-p", "true"]).noFork).toBe(true);
  });
  test("no program: the user's shell", () => {
    expect(plan([]).args).toEqual(["/bin/bash"]);
    expect(plan([], { env: {} }).args).toEqual(["/bin/sh"]);
  });
  test("-r maps the caller to root and denies setgroups", () => {
    expect(plan(["-r", "id"])).toMatchObject({ uidMap: "0 1000 1\n", gidMap: "0 1000 1\n", setgroupsDeny: true });
  });
  test("--map-user by name, --map-users ranges in both formats, --map-auto from subuid", () => {
    expect(plan(["--map-user=www", "true"]).uidMap).toBe("33 1000 1\n");
    expect(plan(["--map-users=100000,0,1000", "--map-users=2000:200000:10", "true"]).uidMap).toBe("0 100000 1000\n2000 200000 10\n");
    expect(plan(["--map-auto", "true"])).toMatchObject({ uidMap: "0 100000 65536\n", gidMap: "0 200000 65536\n" });
    expect(() => plan(["--map-auto"], { subuid: "" })).toThrow('no line matching user "alice" in /etc/subuid');
    expect(() => plan(["--map-user=0", "--map-users=1000,0,5"])).toThrow("uid mappings overlap");
  });
  test("propagation: default private, unchanged leaves it, others as MS_REC|flag", () => {
    expect(plan(["-m"]).rootPropagation).toBe(MS.REC | MS.PRIVATE);
    expect(plan(["-m", "--propagation", "slave"]).rootPropagation).toBe(MS.REC | MS.SLAVE);
    expect(plan(["-m", "--propagation", "unchanged"]).rootPropagation).toBeUndefined();
    expect(plan(["-n"]).rootPropagation).toBeUndefined();
  });
  test("--mount-proc with non-private propagation makes /proc private before mounting", () => {
    const p = plan(["--mount-proc", "--propagation=shared"]);
    expect(p.mounts![0]).toEqual({ destination: "/proc", flags: MS.REC | MS.PRIVATE });
    expect(p.mounts![1]!.type).toBe("proc");
  });
  test("persisted namespaces become bind targets, relative to the cwd", () => {
    expect(plan(["--net=netns", "--uts=/run/uts"]).persist).toEqual([
      { type: CLONE_FLAG.net, path: "/home/alice/netns" }, { type: CLONE_FLAG.uts, path: "/run/uts" },
    ]);
  });
  test("-R/-w: root entered, cwd inside it; -S/-G; time offsets; --setgroups without -U refused", () => {
    expect(plan(["-R", "/srv/root", "-w", "/data", "true"])).toMatchObject({ enterRoot: "/srv/root", enterCwd: "/srv/root/data" });
    expect(plan(["-S", "0", "-G", "0", "true"])).toMatchObject({ uid: 0, gid: 0 });
    expect(plan(["-T", "--monotonic", "100", "--boottime=-5"]).timeOffsets).toBe("monotonic 100 0\nboottime -5 0\n");
    expect(() => plan(["--setgroups", "deny"])).toThrow("--setgroups needs a new user namespace");
  });
});

const nctx = (over: Partial<NsenterContext> = {}): NsenterContext => ({
  targetPid: 42, cwd: "/work", env: { PATH: "/bin" }, kernelHas: () => true, sameUserNamespace: () => true, setgroupsDenied: () => false, alreadyIn: () => false, ...over,
});
const nplan = (args: string[], over?: Partial<NsenterContext>) => nsenterPlan(parseNsenterArgs(args), nctx(over));

describe("nsenter -> plan", () => {
  test("the lesson's command: --target PID --mount --uts --ipc --net --pid forks into the PID namespace", () => {
    const p = nplan(["--target", "42", "--mount", "--uts", "--ipc", "--net", "--pid", "ps", "aux"]);
    expect(p.join!.map((j) => j.path).sort()).toEqual(["/proc/42/ns/ipc", "/proc/42/ns/mnt", "/proc/42/ns/net", "/proc/42/ns/pid", "/proc/42/ns/uts"]);
    expect(p).toMatchObject({ noFork: false, foreground: true, args: ["ps", "aux"] });
    expect(p.uid).toBeUndefined();
  });
  test("-a: every type but our own user namespace; -F keeps the process where it is", () => {
    expect(nplan(["-a", "-t", "42"]).join!.length).toBe(7);
    const p = nplan(["-a", "-t", "42", "-F"], { sameUserNamespace: () => false });
    expect(p.join!.length).toBe(8);
    expect(p.noFork).toBe(true);
    expect(nplan(["-a", "-t", "42"], { kernelHas: (t) => t !== "time" }).join!.some((j) => j.type === CLONE_FLAG.time)).toBe(false);
  });
  test("entering a user namespace makes us root there unless --preserve-credentials; -S/-G win", () => {
    expect(nplan(["-t", "42", "-U"])).toMatchObject({ uid: 0, gid: 0 });
    expect(nplan(["-t", "42", "-U", "--preserve-credentials"]).uid).toBeUndefined();
    expect(nplan(["-t", "42", "-U", "-S", "7", "-G", "8"])).toMatchObject({ uid: 7, gid: 8 });
    expect(nplan(["-t", "42", "-U"]).setgroupsDeny).toBeUndefined();
    expect(nplan(["-t", "42", "-U"], { setgroupsDenied: () => true }).setgroupsDeny).toBe(true);
  });
  test("with a user namespace, namespaces we are already in are not re-joined (mnt: cwd to /)", () => {
    const p = nplan(["-a", "-t", "42"], { sameUserNamespace: () => false, alreadyIn: (t) => t !== "user" });
    expect(p.join).toEqual([{ type: CLONE_FLAG.user, path: "/proc/42/ns/user" }]);
    expect(p.enterCwd).toBe("/");
    expect(nplan(["-a", "-t", "42"], { alreadyIn: () => true }).join!.length).toBe(7); // no user ns: all kept
  });
  test("files instead of a target; -r/-w from the target or given", () => {
    expect(nplan(["--net=/run/netns/a", "ip", "a"], { targetPid: undefined }).join).toEqual([{ type: CLONE_FLAG.net, path: "/run/netns/a" }]);
    expect(nplan(["-t", "42", "-r", "-w"])).toMatchObject({ enterRoot: "/proc/42/root", enterCwd: "/proc/42/cwd" });
    expect(nplan(["-r/srv"], { targetPid: undefined })).toMatchObject({ enterRoot: "/srv", enterCwd: "/work" });
  });
  test("missing target: util-linux's messages", () => {
    expect(() => nplan(["-n"], { targetPid: undefined })).toThrow("neither filename nor target pid supplied for ns/net");
    expect(() => nplan(["-a"], { targetPid: undefined })).toThrow("no target PID specified for --all");
    expect(() => parseNsenterArgs(["-t", "1", "-t", "2"])).toThrow("option --target may be given only once");
  });
});

describe("launcher failures -> one line and util-linux's exit codes", () => {
  const p = { args: ["nonexist"], env: [] };
  test("missing program 127, not executable 126, others 1", () => {
    const missing = describeFailure(new LaunchError("stage2", "exec: executable file not found in $PATH", "nonexist", 2), p);
    expect([missing.message, missing.exitCode]).toEqual(["failed to execute nonexist: No such file or directory", 127]);
    expect(describeFailure(new LaunchError("stage2", "exec", "/etc/passwd", 13), p).exitCode).toBe(126);
    const setns = describeFailure(new LaunchError("stage1", "setns", "/run/x", 22), p);
    expect([setns.message, setns.exitCode]).toEqual(["reassociate to namespace /run/x failed: not a namespace file of that type, or not allowed to enter it", 1]);
  });
  test("nsfs mounts are counted per mount point from mountinfo", () => {
    const info = [
      "36 25 0:4 net:[4026532177] /run/net\\040ns rw shared:1 - nsfs nsfs rw",
      "37 25 0:4 net:[4026532178] /run/net\\040ns rw shared:1 - nsfs nsfs rw",
      "38 25 8:1 / /run/other rw - ext4 /dev/sda1 rw",
    ].join("\n");
    expect(nsfsMountCount("/run/net ns", info)).toBe(2);
    expect(nsfsMountCount("/run/other", info)).toBe(0);
  });
});

test("no program: $SHELL as a login shell (argv[0] '-' + its name), as util-linux; a program keeps its own", () => {
  expect(programArgv0([], { SHELL: "/bin/bash" })).toBe("-bash");
  expect(programArgv0([], {})).toBe("-sh");
  expect(programArgv0(["ps"], { SHELL: "/bin/bash" })).toBeUndefined();
});
