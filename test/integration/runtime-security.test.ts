// Security regressions of nsbox-runtime, from inside a busybox container made from
// `nsbox-runtime spec` defaults (capabilities, seccomp, masked/read-only paths, cgroup devices):
// host processes, mounts, kernel modules, /proc/sys and /sys, masked /proc files, devices, and the
// breakout classes of runc's CVEs: the runtime binary reachable through /proc/PID/exe
// (CVE-2019-5736), a host fd or cwd inherited (CVE-2024-21626), a mount destination that is a
// symlink in the image (CVE-2021-30465). Root only.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../../src/oci/spec.ts";
import { canRun, RUNTIME, Sandbox, top } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** config.json exactly as `nsbox-runtime spec` writes it, with `args` and no terminal. */
function defaultsSpec(args: string[], edit?: (s: Spec) => void): Spec {
  const dir = join(sb.dir, `spec-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const r = sb.rt(["spec", "--bundle", dir]);
  if (r.code !== 0) throw new Error(`spec: ${r.stderr}`);
  const spec = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Spec;
  spec.process!.terminal = false;
  spec.process!.args = args;
  edit?.(spec);
  return spec;
}

/** `run` in the foreground; the script's stdout (its stderr folded in with 2>&1 where asked). */
function run(script: string, edit?: (s: Spec) => void): { code: number; out: string } {
  const bundle = sb.bundle(defaultsSpec(["sh", "-c", script], edit));
  const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** A detached default container running `sleep 60`: id and host PID of its init. */
function startContainer(edit?: (s: Spec) => void): { id: string; pid: number } {
  const bundle = sb.bundle(defaultsSpec(["sleep", "60"], edit));
  const id = sb.id();
  const r = sb.rt(["run", "-d", "--bundle", bundle, id]);
  if (r.code !== 0) throw new Error(`run -d: ${r.stderr}`);
  return { id, pid: sb.state(id).pid as number };
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
/** Every host binary a container could try to overwrite: the launcher, monitor, runtime, bun. */
const HOST_BINARIES = [
  join(top, "native/build/nsbox-launcher"),
  join(top, "native/build/nsbox-monitor"),
  join(top, "bin/nsbox-runtime"),
  realpathSync(RUNTIME[0]!),
].filter((p) => existsSync(p));

describe.skipIf(!canRun)("confinement with spec defaults", () => {
  test("sees only its own processes, none of the host's", () => {
    const { out } = run("for p in /proc/[0-9]*; do echo \"${p#/proc/} $(tr '\\0' ' ' < $p/cmdline)\"; done");
    const procs = out.trim().split("\n").map((l) => l.split(" ")[0]!);
    expect(procs.length).toBeLessThanOrEqual(4); // sh, the subshell, tr (and the loop's own)
    expect(procs.every((p) => Number(p) < 10)).toBe(true);
    expect(out).not.toMatch(/bun|nsbox|bash|systemd|init\b/);
    // the test process's own PID is not there (or is another process of the container)
    expect(out).not.toContain(String(process.pid) + " ");
  });

  test("cannot mount, unshare into a new mount namespace or pivot", () => {
    const { out } = run(
      "mount -t tmpfs none /tmp 2>&1; echo mount=$?; mount --bind /bin /tmp 2>&1; echo bind=$?; " +
        "mount -o remount,rw / 2>&1; echo remount=$?; grep -c ' /tmp tmpfs ' /proc/self/mounts",
    );
    expect(out).toContain("mount=1");
    expect(out).toContain("bind=1");
    expect(out).toContain("remount=1");
    expect(out.trim().split("\n").at(-1)).toBe("0");
  });

  test("cannot load or remove kernel modules", () => {
    const { out } = run("head -c 4096 /bin/busybox > /dev/shm/m.ko; insmod /dev/shm/m.ko 2>&1; echo insmod=$?; rmmod nsbox_none 2>&1; echo rmmod=$?");
    expect(out).toMatch(/insmod: can't insert '\/dev\/shm\/m.ko': Operation not permitted/);
    expect(out).toContain("insmod=1");
    expect(out).toMatch(/rmmod: can't unload module 'nsbox_none': Operation not permitted/);
  });

  test("cannot write /proc/sys, /proc/sysrq-trigger or /sys (read-only mounts)", () => {
    // Opening for writing is enough to tell; nothing is written even if an open succeeded.
    const files = ["/proc/sys/kernel/hostname", "/proc/sys/vm/swappiness", "/proc/sysrq-trigger", "/sys/class/net/lo/mtu", "/sys/kernel/uevent_helper"];
    const { out } = run(files.map((f) => `(true >> ${f}) 2>/dev/null && echo WRITABLE ${f} || echo refused ${f}`).join("; "));
    expect(out.trim().split("\n")).toEqual(files.map((f) => `refused ${f}`));
  });

  test("/proc/kcore, /proc/keys, /proc/timer_list and the other masked paths show nothing", () => {
    const files = ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats", "/proc/timer_stats"]
      .filter((f) => existsSync(f));
    const dirs = ["/proc/acpi", "/proc/scsi", "/proc/asound", "/sys/firmware"].filter((d) => existsSync(d));
    const { out } = run(
      files.map((f) => `echo ${f} $(head -c 64 ${f} | wc -c)`).join("; ") + "; " + dirs.map((d) => `echo ${d} $(ls -A ${d} | wc -l)`).join("; "),
    );
    expect(out.trim().split("\n")).toEqual([...files, ...dirs].map((p) => `${p} 0`));
    expect(files).toContain("/proc/keys"); // the host has them: the test checks something
  });

  test("/dev holds the default devices only; no block device, no mknod", () => {
    const { out } = run(
      "ls -A /dev | tr '\\n' ' '; echo; find /dev -type b | wc -l; stat -c '%n %t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; " +
        "mknod /tmp/sda b 8 0 2>&1; echo mknod=$?",
    );
    const [list, blocks, ...rest] = out.trim().split("\n");
    expect(list!.trim().split(" ").sort()).toEqual(
      ["fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"].sort(),
    );
    expect(blocks).toBe("0");
    expect(rest.slice(0, 6)).toEqual(["/dev/null 1:3", "/dev/zero 1:5", "/dev/full 1:7", "/dev/random 1:8", "/dev/urandom 1:9", "/dev/tty 5:0"]);
    expect(rest.at(-1)).toBe("mknod=1");
  });
});

describe.skipIf(!canRun)("exec'd processes", () => {
  test("get the container's seccomp filter (create's compiled copy), no new privileges, its capabilities", () => {
    const { id } = startContainer();
    expect(existsSync(join(sb.root, id, "seccomp.bpf"))).toBe(true);
    const fields = "grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs|CapBnd|CapEff):'";
    const r = sb.rt(["exec", id, "sh", "-c", `${fields} /proc/1/status; echo; ${fields} /proc/self/status`]);
    const [init, execd] = r.stdout.split("\n\n");
    expect(execd!.trim()).toBe(init!.trim());
    expect(init).toContain("Seccomp:\t2");
    expect(init).toContain("NoNewPrivs:\t1");
  });
});

describe.skipIf(!canRun)("CVE-2019-5736 class: no host binary reachable through /proc/PID/exe", () => {
  const script = (self: string) =>
    // every process the container can see: where its exe points, whether it opens for writing
    `for p in /proc/[0-9]*; do e=$(readlink $p/exe 2>/dev/null); w=ro; (true >> $p/exe) 2>/dev/null && w=WRITABLE; echo "${"$"}{p#/proc/} $e $w"; done; ` +
    `(true >> /proc/self/exe) 2>/dev/null && echo self WRITABLE; echo ${self}`;

  test("exec'd processes and what they see point at container binaries, none writable", () => {
    const before = HOST_BINARIES.map(sha256);
    const { id } = startContainer();
    const r = sb.rt(["exec", id, "sh", "-c", script("done") + "; grep PPid /proc/self/status"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).not.toContain("self WRITABLE");
    const procs = lines.filter((l) => /^\d+ /.test(l));
    expect(procs.length).toBeGreaterThan(1);
    for (const l of procs) expect(l).toMatch(/^\d+ \/bin\/busybox ro$/); // sleep, sh, its subshells
    // the exec'd process's parent (the launcher) is outside the container's PID namespace
    expect(lines.at(-1)).toBe("PPid:\t0");
    expect(HOST_BINARIES.map(sha256)).toEqual(before);
  });

  test("a launcher waiting for `start` in a shared PID namespace: exe, fds, cwd, root unreachable", () => {
    const before = HOST_BINARIES.map(sha256);
    const a = startContainer();
    // B joins A's PID namespace; `create` leaves B's process in the launcher until `start`.
    const bundle = sb.bundle(defaultsSpec(["true"], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "pid" ? { type: "pid", path: `/proc/${a.pid}/ns/pid` } : n));
    }));
    const b = sb.id();
    const created = sb.rt(["create", "--bundle", bundle, b]);
    expect(created.stderr).toBe("");
    const waiting = sb.state(b).pid as number;
    const r = sb.rt(["exec", a.id, "sh", "-c",
      "for p in /proc/[0-9]*; do [ \"$(cat $p/comm)\" = nsbox-launcher ] || continue; echo found; " +
      "readlink $p/exe && echo EXE-READABLE; for f in $p/fd/* $p/cwd $p/root; do readlink $f && echo LINK-READABLE; done; " +
      "(true >> $p/exe) 2>/dev/null && echo WRITABLE; done"]);
    expect(r.stdout).toBe("found\n");
    // It runs from a sealed copy: even a process that reached it could not change the host file.
    expect(readlinkSync(`/proc/${waiting}/exe`)).toMatch(/^\/memfd:nsbox-launcher/);
    expect(sb.rt(["delete", "--force", b]).code).toBe(0);
    expect(HOST_BINARIES.map(sha256)).toEqual(before);
  });

  test("an image whose program is `#!/proc/self/exe` does not get the host's launcher to run", () => {
    const before = HOST_BINARIES.map(sha256);
    const { id } = startContainer();
    // runc's exploit: exec'd by the runtime, the script makes the kernel run the runtime's own
    // /proc/self/exe as the container's process, which the container then opens and rewrites.
    // Here /proc/self/exe is the launcher's sealed memfd copy (checked above). A dynamically
    // linked launcher is refused by the kernel (127: its ELF interpreter lies outside the
    // container's mounts); the static one (native/build.sh with musl) runs, inside the container,
    // finds no plan and stops at its first step. Either way no host file was ever the program.
    writeFileSync(join(String(sb.state(id).bundle), "rootfs/evil"), "#!/proc/self/exe\n", { mode: 0o755 });
    const r = sb.rt(["exec", id, "/evil"]);
    if (r.code === 127) expect(r.stderr).toMatch(/^nsbox-runtime: exec .*\/evil.*\n$/);
    else {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("nsbox-launcher: read plan fd 3 (started without a plan socket?): Bad file descriptor\n");
    }
    const watcher = sb.rt(["exec", id, "sh", "-c", script("done")]);
    expect(watcher.stdout).not.toContain("WRITABLE");
    expect(HOST_BINARIES.map(sha256)).toEqual(before);
  });
});

describe.skipIf(!canRun)("CVE-2024-21626 class: no host fd or cwd inherited", () => {
  test("run: only fds 0, 1, 2 although the caller has more open; cwd is the container's", () => {
    const hostFile = join(sb.dir, "host-secret");
    writeFileSync(hostFile, "host secret\n");
    const extra = [openSync(hostFile, "r"), openSync(sb.dir, "r"), openSync("/", "r")];
    try {
      const bundle = sb.bundle(defaultsSpec(["sh", "-c", "ls /proc/1/fd; readlink /proc/1/cwd; ls /proc/1/cwd/linuxrc; cat /proc/1/fd/3 /proc/1/fd/4 2>/dev/null; true"]));
      const out = join(sb.dir, "out");
      const p = Bun.spawnSync([...RUNTIME, "--root", sb.root, "run", "--bundle", bundle, sb.id()], {
        stdio: ["ignore", Bun.file(out), "inherit", ...extra] as never,
        cwd: sb.dir, // a host cwd that must not leak either
      });
      expect(p.exitCode).toBe(0);
      // PID 1 (no pipeline: it holds no pipe while ls runs) has 0-2 only; cwd is the container's /.
      expect(readFileSync(out, "utf8").trim().split("\n")).toEqual(["0", "1", "2", "/", "/proc/1/cwd/linuxrc"]);
    } finally {
      extra.forEach(closeSync);
    }
  });

  test("exec: fds 0, 1, 2 only; --cwd /proc/self/fd/N never lands outside the container", () => {
    const { id } = startContainer();
    const marker = join(sb.dir, "host-marker");
    writeFileSync(marker, "HOST-MARKER\n");
    // No pipeline (while it builds one the shell holds the pipe's fds), and not ls as the last
    // command (sh would exec it in its place: $$ would be ls, with its own directory fd).
    const r = sb.rt(["exec", id, "sh", "-c", "ls /proc/$$/fd; true"]);
    expect(r.stdout.trim().split("\n")).toEqual(["0", "1", "2"]);
    // Walking up from a leaked directory fd would reach the host's root, then the marker.
    const up = "../".repeat(40) + marker.slice(1);
    for (let n = 3; n <= 12; n++) {
      const e = sb.rt(["exec", "--cwd", `/proc/self/fd/${n}`, id, "sh", "-c", `pwd -P; cat ${up} 2>/dev/null; true`]);
      if (e.code === 0) expect(e.stdout).not.toContain("HOST-MARKER");
      expect(e.stdout + e.stderr).not.toContain("unreachable");
    }
  });
});

describe.skipIf(!canRun)("CVE-2021-30465 class: a symlinked mount destination stays in the rootfs", () => {
  test("absolute and ../ symlinks to a host dir: nothing created or mounted there", () => {
    const outside = join(sb.dir, "outside");
    mkdirSync(outside);
    const source = join(sb.dir, "volume");
    mkdirSync(source);
    writeFileSync(join(source, "from-volume"), "volume\n");
    const spec = defaultsSpec(["sh", "-c", "cat /proc/self/mountinfo | grep -c from-host; ls /abs/escaped /rel/escaped 2>/dev/null | grep -c from-volume"], (s) => {
      s.mounts!.push(
        { destination: "/abs/escaped", type: "bind", source, options: ["rbind", "ro"] },
        { destination: "/rel/escaped", type: "bind", source, options: ["rbind", "ro"] },
        { destination: "/abs/tmp", type: "tmpfs", source: "from-host", options: ["size=1m"] },
      );
    });
    const bundle = sb.bundle(spec);
    symlinkSync(outside, join(bundle, "rootfs/abs")); // absolute: must resolve inside the rootfs
    symlinkSync("../".repeat(20) + outside.slice(1), join(bundle, "rootfs/rel")); // climbs out
    const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
    // Contained (mounted under the rootfs) or refused: either way the host dir is untouched.
    if (r.code === 0) expect(r.stdout.trim().split("\n")).toEqual(["1", "2"]);
    else expect(r.stderr).toMatch(/^nsbox-runtime: /);
    expect(Bun.spawnSync(["ls", "-A", outside]).stdout.toString()).toBe("");
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(outside);
  });
});
