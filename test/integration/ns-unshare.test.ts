// `nsbox unshare` side by side with util-linux unshare: the same flags must give the same
// observable result (namespace inode relationships, id maps, PID numbering, propagation,
// hostname isolation, persisted namespace files, exit codes).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { NSBOX, Sleeper, inode, run, top } from "./ns-util.ts";

const dir = mkdtempSync(join(tmpdir(), "nsbox-unshare-"));
afterAll(() => {
  run(["sh", "-c", `grep -o ' ${dir}[^ ]*' /proc/self/mountinfo | xargs -r -n1 umount`]);
  rmSync(dir, { recursive: true, force: true });
});

const TYPES = ["cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts"];
// One exec, no fork (so `-p` without --fork works): stat prints "'/proc/self/ns/T' -> 'T:[INODE]'".
const STAT_NS = ["stat", "-c", "%N", ...TYPES.map((t) => `/proc/self/ns/${t}`)];
const parent = new Map(TYPES.map((t) => [t, inode("self", t)]));

/** Per type, whether the program's namespace is the parent's ("same") or new ("new"). */
function relations(statOutput: string): string[] {
  return [...statOutput.matchAll(/ns\/(\w+)' -> '\w+:\[(\d+)\]'/g)].map(([, t, ino]) => `${t} ${Number(ino) === parent.get(t!) ? "same" : "new"}`);
}

/** Runs `unshare ARGS...` with util-linux and with nsbox; returns both results. */
function both(args: string[], env: Record<string, string> = {}) {
  return { theirs: run(["unshare", ...args], env), ours: run([...NSBOX, "unshare", ...args], env) };
}

/** Same exit code, output and (program's own) error output. */
function expectSame(args: string[], env: Record<string, string> = {}) {
  const { theirs, ours } = both(args, env);
  expect({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
  return ours;
}

describe("namespace inode relationships under /proc/self/ns", () => {
  for (const flags of [["-m"], ["-u"], ["-i"], ["-n"], ["-C"], ["-U"], ["-T"], ["-f", "-p"], ["-p"], ["-T", "-f"], ["-f", "-m", "-u", "-i", "-n", "-p", "-U", "-C", "-T"]]) {
    test(flags.join(" "), () => {
      const { theirs, ours } = both([...flags, ...STAT_NS]);
      expect(ours.code).toBe(theirs.code);
      expect(relations(ours.stdout)).toEqual(relations(theirs.stdout));
      if (flags.join() === "-p") {
        // No fork: the new PID namespace has no process yet, so the kernel shows no
        // pid_for_children link at all (stat fails on it, with util-linux too).
        expect([ours.code, relations(ours.stdout).some((r) => r.startsWith("pid_for_children"))]).toEqual([1, false]);
      } else {
        expect(ours.code).toBe(0);
        expect(relations(ours.stdout).some((r) => r.endsWith(" new"))).toBe(true);
      }
    });
  }
});

describe("user namespaces: uid_map, gid_map, setgroups", () => {
  const show = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g"];
  for (const flags of [["-r"], ["-c"], ["-U"], ["--map-user=1234", "--map-group=5678"], ["-U", "--setgroups=deny"], ["-U", "--setgroups=allow"]]) {
    test(flags.join(" "), () => void expectSame([...flags, ...show]));
  }
  // util-linux 2.38 writes ranges through newuidmap (absent here, so it exits 127), and with
  // `-r --setgroups=deny` writes "deny" twice and fails: no side-by-side for these; nsbox's result.
  test("--map-users/--map-groups ranges (nsbox only)", () => {
    const r = run([...NSBOX, "unshare", "--map-users=100000,0,65536", "--map-groups=100000,0,65536", ...show]);
    expect(r.stdout.replace(/ +/g, " ")).toBe(" 0 100000 65536\n 0 100000 65536\nallow\n65534\n65534\n");
  });
});

describe("PID numbering", () => {
  test("the lesson: --fork --pid --mount-proc, the program is PID 1 and ps PID 2", () => {
    const out = expectSame(["--fork", "--pid", "--mount-proc", "sh", "-c", "echo $$; ps -o pid=,comm= ; true"]);
    expect(out.stdout.split("\n")[0]).toBe("1");
    expect(out.stdout).toMatch(/^\s*2 ps$/m);
  });
  test("-p without --fork: the program stays in the parent's PID namespace, its children do not", () => {
    expectSame(["-p", "--mount-proc", "sh", "-c", "readlink /proc/self/ns/pid_for_children >/dev/null; sh -c 'echo $$'"]);
  });
});

describe("mount propagation", () => {
  // A shared tmpfs to observe: its propagation inside the new mount namespace is shown by the
  // optional fields of mountinfo (shared:N, master:N or none).
  const shared = join(dir, "shared");
  const tag = `grep ' ${shared} ' /proc/self/mountinfo | sed -E 's/ - .*//; s/.* ${shared.replace(/\//g, "\\/")} [^ ]+ ?//; s/:[0-9]+/:N/g'`;
  for (const mode of ["private", "slave", "shared", "unchanged"]) {
    test(mode, () => {
      run(["mkdir", "-p", shared]);
      if (!readFileSync("/proc/self/mountinfo", "utf8").includes(` ${shared} `)) {
        expect(run(["mount", "-t", "tmpfs", "nsbox-test", shared]).code).toBe(0);
        expect(run(["mount", "--make-shared", shared]).code).toBe(0);
      }
      const out = expectSame(["-m", `--propagation=${mode}`, "sh", "-c", tag]);
      expect(out.stdout.trim()).toBe({ private: "", slave: "master:N", shared: "shared:N", unchanged: "shared:N" }[mode]!);
    });
  }
});

describe("hostname isolation", () => {
  test("-u: a new hostname inside, the host's unchanged", () => {
    const out = expectSame(["-u", "sh", "-c", "hostname nsbox-test-uts; hostname"]);
    expect(out.stdout).toBe("nsbox-test-uts\n");
    expect(hostname()).not.toBe("nsbox-test-uts");
  });
});

describe("persisted namespaces", () => {
  test("--net=FILE and --uts=FILE are usable by util-linux nsenter afterwards", () => {
    const net = join(dir, "net"), uts = join(dir, "uts");
    writeFileSync(net, "");
    writeFileSync(uts, "");
    const r = run([...NSBOX, "unshare", `--net=${net}`, `--uts=${uts}`, "sh", "-c", "hostname persisted; readlink /proc/self/ns/net"]);
    expect(r.stderr).toBe("");
    const inside = r.stdout.trim();
    expect(run(["nsenter", `--net=${net}`, "readlink", "/proc/self/ns/net"]).stdout.trim()).toBe(inside);
    expect(run(["nsenter", `--uts=${uts}`, "hostname"]).stdout).toBe("persisted\n");
    expect(run(["nsenter", `--net=${net}`, "ip", "-o", "link"]).stdout).toMatch(/^1: lo:[^\n]*\n$/);
    // and nsbox nsenter reads util-linux's persisted file the same way
    const theirs = join(dir, "net2");
    writeFileSync(theirs, "");
    expect(run(["unshare", `--net=${theirs}`, "true"]).code).toBe(0);
    const ino = statSync(theirs).ino; // the bind mount shows the namespace's inode
    expect(run([...NSBOX, "nsenter", `--net=${theirs}`, "readlink", "/proc/self/ns/net"]).stdout).toBe(`net:[${ino}]\n`);
    for (const f of [net, uts, theirs]) expect(run(["umount", f]).code).toBe(0);
  });
});

describe("exit codes and bad input", () => {
  test("the program's status; 127 missing program; 126 not executable (as util-linux)", () => {
    expectSame(["sh", "-c", "exit 7"]);
    const script = join(dir, "noexec.sh");
    writeFileSync(script, "#!/bin/sh\n");
    chmodSync(script, 0o644);
    for (const prog of ["/nonexistent/prog", "no-such-program-xyz", script]) {
      const { theirs, ours } = both(["-n", prog]);
      expect(ours.code).toBe(theirs.code);
      expect(ours.stderr).toBe(`nsbox: failed to execute ${prog}: ${prog === script ? "Permission denied" : "No such file or directory"}\n`);
    }
  });
  test("persist onto a missing file: one line, nothing created", () => {
    const missing = join(dir, "nope", "net");
    const r = run([...NSBOX, "unshare", `--net=${missing}`, "true"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nsbox: cannot persist the net namespace on ${missing}: no such file (create it first, e.g. touch ${missing})\n`);
  });
  test("a failed launch leaves no persisted namespace mounted", () => {
    const f = join(dir, "net-fail");
    writeFileSync(f, "");
    const r = run([...NSBOX, "unshare", `--net=${f}`, "no-such-program-xyz"]);
    expect(r.code).toBe(127);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(` ${f} `);
  });
  test("bad options: getopt's message, exit 1", () => {
    const r = run([...NSBOX, "unshare", "--bogus"]);
    expect([r.code, r.stderr]).toEqual([1, "nsbox: unrecognized option '--bogus'\n"]);
  });
});

describe("open file descriptors", () => {
  // The front end itself (bin/nsbox is a copy): from source, Bun has marked inherited fds
  // close-on-exec before it hands over to it.
  test("the caller's fds reach the program, as with util-linux (nothing of nsbox's own)", () => {
    const list = (tool: string) => run(["sh", "-c", `exec 5</dev/null 7>&2; ${tool} -n sh -c 'ls /proc/self/fd | sort -n | tr "\\n" " "'`]);
    const ours = list(`${join(top, "native/build/nsbox")} unshare`);
    expect(ours).toEqual(list("unshare"));
    expect(ours.stdout).toBe("0 1 2 3 5 7 "); // 3: ls's own directory
  });
});

describe("-R and -w", () => {
  const rootfs = join(top, "build/rootfs/busybox");
  test("-R ROOT -w DIR without a mount namespace", () => void expectSame(["-R", rootfs, "-w", "/bin", "/bin/pwd"]));
  test("-m -R ROOT --mount-proc: proc mounted inside the new root, nothing on the host", () => {
    // util-linux's order: unshare, propagation of "/", chroot, mount proc (in the new root).
    const out = expectSame(["-m", "-R", rootfs, "--mount-proc", "sh", "-c", "pwd; grep -c '^proc /proc proc ' /proc/self/mounts"]);
    expect(out.stdout).toBe("/\n1\n");
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(` ${rootfs}/proc `);
  });
  test("-m -R ROOT -w DIR --propagation=unchanged -f -p --mount-proc", () => {
    // ps alone (in a pipeline, wc might not exist yet when ps reads /proc): sh is 1, ps 2.
    const out = expectSame(["-m", "-R", rootfs, "-w", "/bin", "--propagation=unchanged", "-f", "-p", "--mount-proc", "sh", "-c", "pwd; echo $$; ps -o pid=; true"]); // not last: sh would exec ps
    expect(out.stdout).toMatch(/^\/bin\n1\n\s*1\n\s*2\n$/);
  });
});

describe("--kill-child", () => {
  // util-linux: the forked child gets the signal when unshare dies. Here nsbox (bun) is killed
  // with SIGKILL, the launcher's stage 0 dies with it, and the program gets the signal.
  for (const [args, signal] of [[["--kill-child"], "SIGKILL"], [["--kill-child=SIGTERM"], "SIGTERM"]] as const) {
    test(`${args.join(" ")}: killing nsbox kills the program (${signal})`, async () => {
      for (const argv of [["unshare", ...args, "sleep", "60"], [...NSBOX, "unshare", ...args, "sleep", "60"]]) {
        const s = new Sleeper(argv);
        const pid = await s.leaf();
        s.proc.kill("SIGKILL");
        let gone = false;
        for (let i = 0; i < 300 && !gone; i++, await Bun.sleep(10)) {
          try { gone = /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8")); } catch { gone = true; }
        }
        s.kill();
        expect({ argv0: argv[0] === "unshare" ? "util-linux" : "nsbox", gone }).toEqual({ argv0: argv[0] === "unshare" ? "util-linux" : "nsbox", gone: true });
      }
    });
  }
  test("without it the program outlives nsbox (as util-linux)", async () => {
    const s = new Sleeper([...NSBOX, "unshare", "-f", "sleep", "60"]);
    const pid = await s.leaf();
    s.proc.kill("SIGKILL");
    await Bun.sleep(200);
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^State:\s+S/m);
    s.kill();
  });
});
