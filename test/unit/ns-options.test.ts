// Option parsing and option -> launcher config of `nsbox unshare` / `nsbox nsenter`, checked
// against util-linux's documented semantics. Both live in the C front end (native/nsbox); with
// NSBOX_NS_PRINT_PLAN=1 it prints the config it would launch (nsplan_print.c) instead of
// launching it, so no root and no namespace is needed. Runs as whoever runs the tests.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { top } from "../helpers/cli.ts";

const FRONT_END = join(top, "native/build/nsbox");
const dir = mkdtempSync(join(tmpdir(), "nsbox-ns-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const euid = process.geteuid!(), egid = process.getegid!();

function front(args: string[], env: Record<string, string | undefined> = {}, cwd = dir) {
  const p = Bun.spawnSync([FRONT_END, ...args], {
    cwd, env: { PATH: "/usr/bin:/bin", SHELL: "/bin/bash", NSBOX_NS_PRINT_PLAN: "1", ...env } as Record<string, string>,
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}
/** The printed config as lines; fails the test with the error line when there is none. */
function plan(args: string[], env?: Record<string, string | undefined>, cwd?: string): string[] {
  const r = front(args, env, cwd);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return r.out.trimEnd().split("\n");
}
/** The one error line and exit code. */
function refused(args: string[]): [number | null, string] {
  const r = front(args);
  return [r.code, r.err];
}
const fail = (line: string): [number, string] => [1, `nsbox: ${line}\n`];

describe("getopt (util-linux style)", () => {
  test("bundled shorts, optional args attached only, stop at the program", () => {
    const netns = join(dir, "netns");
    writeFileSync(netns, "");
    expect(plan(["unshare", "-fpU", `--net=${netns}`, "--mount-proc", "ps", "-f"])).toEqual([
      "args ps -f", "fork yes", "new user mnt pid net", `persist net ${netns}`, "propagation rec,private",
      "mount proc /proc proc nosuid,noexec,nodev",
    ]);
    // unshare's short forms take no file (its optstring is "+fhVmuinpCTUr..."); nsenter's do, and
    // as in getopt(3) an optional argument is the rest of the word ("-pU": the file "U").
    expect(refused(["unshare", "-n/x"])).toEqual(fail("invalid option -- '/'"));
    expect(refused(["nsenter", "-n/proc/self/ns/net", "-pU"])).toEqual(fail("cannot open U: no such file or directory"));
    expect(plan(["nsenter", "-n/proc/self/ns/net", "-n", "true"])).toContain("join net /proc/self/ns/net");
  });
  test("an optional argument is not taken from the next word", () => {
    expect(plan(["unshare", "-n", "ip"])[0]).toBe("args ip");
    expect(plan(["unshare", "--net", "ip"])[0]).toBe("args ip");
  });
  test("required arguments: attached, next word, or --opt=value; unique prefixes", () => {
    expect(plan(["unshare", "-m", "-S0", "-G", "5", "--prop=slave", "--wd", "/tmp"])).toEqual([
      "args /bin/bash", "argv0 -bash", "fork no", "new mnt", "propagation rec,slave", "cwd /tmp", "uid 0", "gid 5",
    ]);
  });
  test("errors read like getopt's", () => {
    expect(refused(["unshare", "--bogus"])).toEqual(fail("unrecognized option '--bogus'"));
    expect(refused(["unshare", "--bogus=1"])).toEqual(fail("unrecognized option '--bogus=1'"));
    expect(refused(["unshare", "-Q"])).toEqual(fail("invalid option -- 'Q'"));
    expect(refused(["unshare", "-S"])).toEqual(fail("option requires an argument -- 'S'"));
    expect(refused(["unshare", "--wd"])).toEqual(fail("option '--wd' requires an argument"));
    expect(refused(["unshare", "--map"])).toEqual(fail(
      "option '--map' is ambiguous; possibilities: '--map-user' '--map-users' '--map-group' '--map-groups' '--map-root-user' '--map-current-user' '--map-auto'",
    ));
    expect(refused(["unshare", "--fork=1"])).toEqual(fail("option '--fork' doesn't allow an argument"));
    expect(plan(["unshare", "--", "-x"])[0]).toBe("args -x");
  });
  test("--help and --version print and exit 0 before anything runs", () => {
    for (const cmd of ["unshare", "nsenter"]) {
      const help = front([cmd, "--help"]);
      expect([help.code, help.err]).toEqual([0, ""]);
      expect(help.out).toStartWith(`Usage:\n nsbox ${cmd} [options] [<program> [<argument>...]]\n`);
      expect(help.out).toEndWith(" -V, --version".padEnd(cmd === "unshare" ? 27 : 24) + "display version\n");
      expect(front([cmd, "-V"]).out).toBe(`nsbox ${cmd} (nsbox 0.1.0)\n`);
    }
  });
});

describe("unshare options", () => {
  test("--mount-proc implies --mount; -r and --map-user imply --user; --kill-child implies --fork", () => {
    expect(plan(["unshare", "--mount-proc", "-r", "--kill-child=TERM", "true"])).toEqual([
      "args true", "fork yes", "new user mnt", `uid_map 0 ${euid} 1\\n`, `gid_map 0 ${egid} 1\\n`, "setgroups deny",
      "propagation rec,private", "mount proc /proc proc nosuid,noexec,nodev", "kill_child 15",
    ]);
    expect(plan(["unshare", "--kill-child", "true"])).toContain("kill_child 9");
    expect(plan(["unshare", "--kill-child=sigrtmin+2", "true"])).toContain("kill_child 36");
    expect(plan(["unshare", "--map-user=0", "true"])).toContain("new user");
  });
  test("bad values are refused with util-linux's messages", () => {
    expect(refused(["unshare", "--propagation", "weird"])).toEqual(fail("unsupported propagation mode: weird"));
    expect(refused(["unshare", "--setgroups=maybe"])).toEqual(fail("unsupported --setgroups argument 'maybe'"));
    expect(refused(["unshare", "--setgroups=allow", "-r"])).toEqual(fail("options --setgroups=allow and --map-group are mutually exclusive"));
    expect(refused(["unshare", "--monotonic", "5"])).toEqual(fail("options --monotonic and --boottime require unsharing of a time namespace (-T)"));
    expect(refused(["unshare", "-T", "--boottime", "x"])).toEqual(fail("failed to parse boottime offset: 'x'"));
    expect(refused(["unshare", "-S", "x"])).toEqual(fail("failed to parse uid: 'x'"));
    expect(refused(["unshare", "-G", "4294967295"])).toEqual(fail("failed to parse gid: '4294967295'"));
    expect(refused(["unshare", "--map-users=1,2"])).toEqual(fail("invalid mapping '1,2'"));
    expect(refused(["unshare", "--map-users=1,2:3"])).toEqual(fail("invalid mapping '1,2:3'"));
    expect(refused(["unshare", "--kill-child=NOPE"])).toEqual(fail("unknown signal: NOPE"));
    expect(refused(["unshare", "--keep-caps"])).toEqual(fail("--keep-caps is not supported yet"));
    expect(refused(["unshare", "--map-user=nosuchuser"])).toEqual(fail("failed to parse uid 'nosuchuser'"));
  });
  test("persisting onto a missing file: refused before anything runs", () => {
    expect(refused(["unshare", "--uts=nope"])).toEqual(fail("cannot persist the uts namespace on nope: no such file (create it first, e.g. touch nope)"));
  });
});

describe("unshare -> config", () => {
  test("the lesson's command: --fork --pid --mount-proc", () => {
    expect(plan(["unshare", "--fork", "--pid", "--mount-proc", "bash"])).toEqual([
      "args bash", "fork yes", "new mnt pid", "propagation rec,private", "mount proc /proc proc nosuid,noexec,nodev",
    ]);
  });
  test("without --fork the program itself is not in the new PID namespace (no fork)", () => {
    expect(plan(["unshare", "-p", "true"])).toContain("fork no");
  });
  test("no program: $SHELL as a login shell (argv[0] '-' + its name), else /bin/sh", () => {
    expect(plan(["unshare"]).slice(0, 2)).toEqual(["args /bin/bash", "argv0 -bash"]);
    expect(plan(["unshare"], { SHELL: undefined }).slice(0, 2)).toEqual(["args /bin/sh", "argv0 -sh"]);
  });
  test("--map-user/--map-group by name, --map-users ranges in both formats, overlaps refused", () => {
    const p = plan(["unshare", "--map-user=daemon", "--map-group=bin", "true"]);
    expect(p).toContain(`uid_map 1 ${euid} 1\\n`);
    expect(p).toContain(`gid_map 2 ${egid} 1\\n`);
    expect(plan(["unshare", "--map-users=100000,0,1000", "--map-users=2000:200000:10", "true"])).toContain("uid_map 0 100000 1000\\n2000 200000 10\\n");
    expect(refused(["unshare", "--map-user=0", "--map-users=1000,0,5"])).toEqual(fail("uid mappings overlap: '0 " + euid + " 1' and '0 1000 5'"));
  });
  test("--map-auto takes the user's first /etc/subuid and /etc/subgid ranges", () => {
    const user = readFileSync("/etc/passwd", "utf8").split("\n").map((l) => l.split(":")).find((f) => f[2] === String(euid))?.[0] ?? String(euid);
    const line = (f: string) => { try { return readFileSync(f, "utf8").split("\n").find((l) => l.startsWith(`${user}:`)); } catch { return undefined; } };
    const [uids, gids] = [line("/etc/subuid"), line("/etc/subgid")];
    if (uids && gids) {
      const p = plan(["unshare", "--map-auto", "true"]);
      expect(p).toContain(`uid_map 0 ${uids.split(":")[1]} ${uids.split(":")[2]}\\n`);
      expect(p).toContain(`gid_map 0 ${gids.split(":")[1]} ${gids.split(":")[2]}\\n`);
    } else if (!uids) {
      expect(refused(["unshare", "--map-auto"])).toEqual(fail(`no line matching user "${user}" in /etc/subuid`));
    }
  });
  test("propagation: default private, unchanged leaves it, others as MS_REC|flag; only with a mount namespace", () => {
    expect(plan(["unshare", "-m"])).toContain("propagation rec,private");
    expect(plan(["unshare", "-m", "--propagation", "shared"])).toContain("propagation rec,shared");
    expect(plan(["unshare", "-m", "--propagation", "unchanged"]).some((l) => l.startsWith("propagation"))).toBe(false);
    expect(plan(["unshare", "-n"]).some((l) => l.startsWith("propagation"))).toBe(false);
  });
  test("--mount-proc with non-private propagation makes a /proc mount point private before mounting", () => {
    expect(plan(["unshare", "--mount-proc", "--propagation=slave", "true"]).filter((l) => l.startsWith("mount"))).toEqual([
      "mount - /proc - rec,private", "mount proc /proc proc nosuid,noexec,nodev",
    ]);
    expect(plan(["unshare", `--mount-proc=${dir}`, "--propagation=slave", "true"]).filter((l) => l.startsWith("mount"))).toEqual([
      `mount proc ${dir} proc nosuid,noexec,nodev`,
    ]);
  });
  test("persisted namespaces are bind targets relative to the cwd, in the order first named", () => {
    writeFileSync(join(dir, "uts"), "");
    writeFileSync(join(dir, "net"), "");
    expect(plan(["unshare", "--uts=uts", `--net=${dir}/net`, "--uts", "true"]).filter((l) => l.startsWith("persist"))).toEqual([
      `persist uts ${dir}/uts`, `persist net ${dir}/net`,
    ]);
  });
  test("-R/-w: root entered, cwd inside it; relative ones from the cwd; -S/-G; time offsets", () => {
    expect(plan(["unshare", "-R", "/srv/root", "-w", "/data", "true"])).toEqual(["args true", "fork no", "root /srv/root", "cwd /srv/root/data"]);
    expect(plan(["unshare", "-R", "root", "-w", "../x/./y", "true"])).toEqual(["args true", "fork no", `root ${dir}/root`, `cwd ${join(dir, "../x/y")}`]);
    expect(plan(["unshare", "-R", "/srv", "--mount-proc", "true"])).toContain("mount proc /proc proc nosuid,noexec,nodev");
    expect(plan(["unshare", "-T", "--monotonic", "100", "--boottime=-5"])).toContain("time_offsets monotonic 100 0\\nboottime -5 0\\n");
    expect(refused(["unshare", "--setgroups", "deny"])).toEqual(fail("--setgroups needs a new user namespace (-U)"));
    expect(plan(["unshare", "-U", "--setgroups", "deny", "true"])).toContain("setgroups deny");
  });
});

describe("nsenter -> config", () => {
  const pid = process.pid;
  test("the lesson's command: --target PID --mount --uts --ipc --net --pid forks into the PID namespace", () => {
    expect(plan(["nsenter", "--target", String(pid), "--mount", "--uts", "--ipc", "--net", "--pid", "ps", "aux"])).toEqual([
      "args ps aux", "fork yes",
      ...["mnt", "pid", "net", "ipc", "uts"].map((t) => `join ${t} /proc/${pid}/ns/${t}`),
    ]);
  });
  test("-a: every type the kernel has but our own user namespace; -F keeps the process where it is", () => {
    const p = plan(["nsenter", "-a", "-t", String(pid), "-F"]);
    expect(p.filter((l) => l.startsWith("join")).map((l) => l.split(" ")[1])).toEqual(
      ["mnt", "pid", "net", "ipc", "uts", "cgroup", "time"].filter((t) => { try { readFileSync(`/proc/self/ns/${t}`); } catch (e) { return (e as NodeJS.ErrnoException).code !== "ENOENT"; } return true; }),
    );
    expect(p).toContain("fork no");
  });
  test("entering a user namespace makes us root there unless --preserve-credentials; -S/-G win", () => {
    // The target shares our namespaces: with a user namespace to enter, the others we are already
    // in are left out (a mount namespace entered still moves the cwd to its root).
    expect(plan(["nsenter", "-t", String(pid), "-U", "-m", "-n"])).toEqual(["args /bin/bash", "argv0 -bash", "fork no", `join user /proc/${pid}/ns/user`, "cwd /", "uid 0", "gid 0"]);
    expect(plan(["nsenter", "-t", String(pid), "-U", "--preserve-credentials", "true"]).some((l) => /^(uid|gid) /.test(l))).toBe(false);
    expect(plan(["nsenter", "-t", String(pid), "-U", "-S", "7", "-G", "8", "true"]).slice(-2)).toEqual(["uid 7", "gid 8"]);
    expect(plan(["nsenter", "-t", String(pid), "-n", "-S", "7", "true"]).slice(-1)).toEqual(["uid 7"]);
  });
  test("files instead of a target, relative to the cwd; -r/-w from the target or given", () => {
    expect(plan(["nsenter", "--net=../proc/self/ns/net", "ip", "a"], {}, "/tmp")).toEqual(["args ip a", "fork no", "join net /proc/self/ns/net"]);
    expect(plan(["nsenter", "-t", String(pid), "-r", "-w", "true"]).slice(-2)).toEqual([`root /proc/${pid}/root`, `cwd /proc/${pid}/cwd`]);
    expect(plan(["nsenter", "-r/srv", "true"]).slice(-2)).toEqual(["root /srv", `cwd ${dir}`]);
    expect(plan(["nsenter", "-w=/srv", "true"]).slice(-1)).toEqual(["cwd /srv"]);
  });
  test("missing or bad target: util-linux's messages", () => {
    expect(refused(["nsenter", "-n"])).toEqual(fail("neither filename nor target pid supplied for ns/net"));
    expect(refused(["nsenter", "-a"])).toEqual(fail("no target PID specified for --all"));
    expect(refused(["nsenter", "-t", "1", "-t", "2"])).toEqual(fail("option --target may be given only once"));
    expect(refused(["nsenter", "-t", ""])).toEqual(fail("failed to parse pid: ''"));
    expect(refused(["nsenter", "-t", "0", "-a"])).toEqual(fail("no such process: 0"));
    expect(refused(["nsenter", "--net=/etc/passwd", "true"])).toEqual(fail("/etc/passwd is not a namespace file (for --net)"));
  });
});
