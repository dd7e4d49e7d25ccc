// `nsbox nsenter` side by side with util-linux nsenter, against one target process in new
// namespaces (started with util-linux unshare), plus `-t CONTAINER` and bad input.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NSBOX, nsbox, run, Sleeper } from "./ns-util.ts";

const dir = mkdtempSync(join(tmpdir(), "nsbox-nsenter-"));
let target: Sleeper, pid: number;
let userTarget: Sleeper, upid: number;

beforeAll(async () => {
  // Working directory /tmp, hostname "target", own mount/uts/ipc/net/pid/cgroup namespaces.
  target = new Sleeper(["sh", "-c", `cd /tmp && exec unshare -m -u -i -n -p -C -f --mount-proc sh -c 'hostname target; exec sleep 60'`]);
  pid = await target.leaf();
  userTarget = new Sleeper(["unshare", "-r", "-f", "sleep", "61"]);
  upid = await userTarget.leaf();
});
afterAll(() => {
  target?.kill();
  userTarget?.kill();
  rmSync(dir, { recursive: true, force: true });
});

function both(args: string[]) {
  return { theirs: run(["nsenter", ...args]), ours: run([...NSBOX, "nsenter", ...args]) };
}
function expectSame(args: string[], mask = (s: string) => s) {
  const { theirs, ours } = both(args);
  expect({ code: ours.code, stdout: mask(ours.stdout), stderr: ours.stderr }).toEqual({ code: theirs.code, stdout: mask(theirs.stdout), stderr: theirs.stderr });
  return ours;
}
const NS_LINKS = ["stat", "-c", "%N", ...["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"].map((t) => `/proc/self/ns/${t}`)];

describe("entering namespaces", () => {
  for (const flags of [["-a"], ["-n"], ["-u"], ["-m"], ["-i"], ["-C"], ["-p"], ["-m", "-u", "-i", "-n", "-p"]]) {
    test(`-t PID ${flags.join(" ")}: the same namespace inodes`, () => void expectSame(["-t", String(pid), ...flags, ...NS_LINKS]));
  }
  test("the lesson: --target PID --mount --uts --ipc --net --pid ps: sleep is PID 1", () => {
    const out = expectSame(["--target", String(pid), "--mount", "--uts", "--ipc", "--net", "--pid", "ps", "-o", "pid=,comm="], (s) => s.replace(/^\s*\d+ ps$/m, "N ps"));
    expect(out.stdout).toMatch(/^\s*1 sleep$/m);
  });
  test("hostname inside", () => void expect(expectSame(["-t", String(pid), "-u", "hostname"]).stdout).toBe("target\n"));
  test("-F with -p: no fork, so only children are in the target's PID namespace", () => {
    expectSame(["-t", String(pid), "-p", "-F", "stat", "-c", "%N", "/proc/self/ns/pid", "/proc/self/ns/pid_for_children"]);
  });
  test("-r and -w: the target's root and working directory", () => {
    expect(expectSame(["-t", String(pid), "-m", "-w", "pwd"]).stdout).toBe("/tmp\n");
    expectSame(["-t", String(pid), "-r", "-w", "pwd"]);
    expectSame(["-t", String(pid), "-r/", "-w/var", "pwd"]);
  });
  test("user namespace: root inside unless --preserve-credentials; -S/-G", () => {
    const show = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map"];
    expectSame(["-t", String(upid), "-U", ...show]);
    expectSame(["-t", String(upid), "-U", "--preserve-credentials", ...show]);
    expectSame(["-t", String(upid), "-a", ...show]);
    expectSame(["-t", String(pid), "-n", "-S", "65534", "-G", "65534", "id", "-u"]);
  });
  test("namespace files instead of a target", () => {
    expectSame([`--net=/proc/${pid}/ns/net`, `--uts=/proc/${pid}/ns/uts`, "hostname"]);
  });
});

describe("a program in the target that is a `#!/proc/self/exe` script (CVE-2019-5736)", () => {
  // The script's interpreter is whatever binary runs the exec. Were it bin/nsbox, a process in
  // the target could hold it open and rewrite the host's file later.
  const script = join(dir, "self-exe-script");
  beforeAll(() => writeFileSync(script, "#!/proc/self/exe\n", { mode: 0o755 }));
  test("entering the mount namespace: the interpreter is a sealed copy, with no checkout beside it", () => {
    const r = nsbox(["nsenter", "-t", String(pid), "-m", "-p", script]); // -p: the target's /proc knows "self" then
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("cannot find the nsbox program: neither /../libexec/nsbox "); // /proc/self/exe is /memfd:...
  });
  test("control: without the mount namespace (the host's files) nsbox itself runs, and finds its CLI", () => {
    const r = nsbox(["nsenter", "-t", String(pid), "-n", script]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain("cannot find the nsbox CLI");
    expect(r.stderr).toContain("self-exe-script");
  });
});

describe("-t CONTAINER (nsbox containers by name or ID)", () => {
  test("a container from the runtime's state dir", () => {
    const root = join(dir, "runtime");
    mkdirSync(join(root, "db"), { recursive: true });
    writeFileSync(join(root, "db", "state.json"), JSON.stringify({ id: "db", pid, status: "running" }));
    const r = nsbox(["nsenter", "-t", "db", "-a", "hostname"], { NSBOX_RUNTIME_ROOT: root });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "target\n", ""]);
  });
});

describe("exit codes and bad input", () => {
  test("the program's status, 127 missing program, 126 not executable", () => {
    expectSame(["-t", String(pid), "-n", "sh", "-c", "exit 9"]);
    for (const prog of ["no-such-program-xyz", "/etc/passwd"]) {
      const { theirs, ours } = both(["-t", String(pid), "-n", prog]);
      expect(ours.code).toBe(theirs.code);
      expect(ours.stderr).toMatch(new RegExp(`^nsbox: failed to execute ${prog}: `));
    }
  });
  test("dead PID, not a namespace file, unknown container: one line, exit 1", () => {
    const cases: [string[], string][] = [
      [["-t", "999999999", "-a", "true"], "nsbox: no such process: 999999999\n"],
      [["--net=/etc/passwd", "true"], "nsbox: /etc/passwd is not a namespace file (for --net)\n"],
      [["--net=/nonexistent", "true"], "nsbox: cannot open /nonexistent: no such file or directory\n"],
      [["-t", "nosuchcontainer", "-a", "true"], "nsbox: no such container or process: nosuchcontainer\n"],
      [["-n", "true"], "nsbox: neither filename nor target pid supplied for ns/net\n"],
      [["-t", "1", "-t", "2"], "nsbox: option --target may be given only once\n"],
    ];
    for (const [args, line] of cases) {
      const r = nsbox(["nsenter", ...args], { NSBOX_RUNTIME_ROOT: join(dir, "none") });
      expect([r.code, r.stderr]).toEqual([1, line]);
    }
  });
  test("a namespace file of another type: one line, exit 1", () => {
    const r = nsbox(["nsenter", `--net=/proc/${pid}/ns/uts`, "true"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbox: reassociate to namespace \/proc\/\d+\/ns\/uts failed: [^\n]+\n$/);
  });
});
