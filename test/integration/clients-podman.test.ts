// podman (4.3, with conmon) running its containers through bin/nsbox-runtime: `podman --runtime
// /abs/bin/nsbox-runtime`, a private store and runtime root (test/helpers/clients.ts), the busybox
// image built offline from Debian's busybox-static and loaded with `podman load`.
// Root here lacks CAP_SYS_RESOURCE, so every run passes PodmanLab.ULIMITS (podman would otherwise
// ask for rlimits above the hard limit); that is this machine, not a reason to skip.
// Containers use `--network none` except in the default-network test, which needs podman's CNI or
// netavark set-up and says when it is not there.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { BUSYBOX_ARCHIVE, BUSYBOX_REF, clientUnavailable, hostCgroupFile, inPty, nsOf, PodmanLab, RUNTIME_BIN, runtimeState } from "../helpers/clients.ts";

const unavailable = clientUnavailable(["podman", "conmon"], ["podman", "conmon"]);
if (unavailable) console.warn(`clients-podman: skipped: ${unavailable}`);

const U = PodmanLab.ULIMITS;
const NONET = ["--network", "none"];
let lab: PodmanLab;

describe.skipIf(!!unavailable)(`podman --runtime nsbox-runtime${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  beforeAll(() => {
    lab = new PodmanLab();
    const loaded = lab.podman(["load", "-i", BUSYBOX_ARCHIVE], { timeoutMs: 60_000 });
    expect(loaded.stderr + loaded.stdout).toContain(BUSYBOX_REF);
  });
  afterAll(() => lab?.cleanup(), 120_000);

  test("run --rm: output, exit status, lo up, nothing left in podman or in the runtime's state", () => {
    const cidfile = `${lab.dir}/rm.cid`;
    const sh = "echo hello from $(hostname); tr '\\0' ' ' < /proc/1/cmdline; echo; ip -o link show lo; exit 3";
    const r = lab.podman(["run", "--rm", "--cidfile", cidfile, ...U, ...NONET, "busybox", "sh", "-c", sh]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^hello from [0-9a-f]{12}\nsh -c echo hello/);
    expect(r.stdout).toMatch(/lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(lab.podman(["ps", "-aq"]).stdout).toBe("");
    expect(runtimeState(lab.dir, lab.runtimeRoot, readFileSync(cidfile, "utf8").trim())).toBeUndefined();
  }, 30_000);

  test("run --preserve-fds 1: podman's fd 3 reaches the container as its fd 3 (runtime --preserve-fds)", () => {
    const input = `${lab.dir}/fd3-input`;
    writeFileSync(input, "through fd 3\n");
    const cmd = lab.command(["run", "--rm", ...U, ...NONET, "--preserve-fds", "1", "busybox", "sh", "-c", "ls /proc/$$/fd; cat <&3"]); // no pipeline: its ends could be listed
    const r = Bun.spawnSync(["bash", "-c", `${cmd} 3<${input}`], { cwd: lab.dir, stdin: "ignore" });
    expect({ code: r.exitCode, stderr: r.stderr.toString() }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout.toString()).toBe("0\n1\n2\n3\nthrough fd 3\n");
  }, 30_000);

  test("run -it through a pty: the container's stdio is a terminal", () => {
    // podman 4.3 attaches to conmon while the container starts: what a process writes at once can
    // be lost (1 run in 12 with runc here, 3 in 12 with nsbox-runtime); the pause keeps that race
    // out of this test.
    const sh = "sleep 0.2; tty; test -t 0 && echo stdin-is-tty; exit 4";
    const r = inPty(lab.dir, lab.command(["run", "--rm", "-it", ...U, ...NONET, "busybox", "sh", "-c", sh]));
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/\/dev\/pts\/0\r\nstdin-is-tty\r\n/);
  }, 30_000);

  test("run -d, exec (status, stdin), logs, stop (SIGTERM handled), rm", () => {
    const script = 'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done';
    const d = lab.podman(["run", "-d", "--name", "web", ...U, ...NONET, "busybox", "sh", "-c", script]);
    expect(d.code).toBe(0);
    const id = d.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    // It is nsbox-runtime's container: its state root has it, running, with podman's PID.
    expect(lab.inspect("web", "{{.OCIRuntime}} {{.State.Status}}")).toBe(`${RUNTIME_BIN} running`);
    const pid = Number(lab.inspect("web", "{{.State.Pid}}"));
    expect(runtimeState(lab.dir, lab.runtimeRoot, id)).toMatchObject({ status: "running", pid });

    // The exec'd shell joins the container's PID namespace, where the init is PID 1.
    const e = lab.podman(["exec", "web", "sh", "-c", "echo $$; ps -o pid,args; exit 5"]);
    expect(e.code).toBe(5);
    expect(Number(e.stdout.split("\n")[0])).toBeGreaterThan(1);
    expect(e.stdout).toMatch(/^\s*1 sh -c echo started; trap/m);
    expect(lab.podman(["exec", "-i", "web", "tr", "a-z", "A-Z"], { stdin: "piped in\n" }).stdout).toBe("PIPED IN\n");
    expect(lab.podman(["exec", "--workdir", "/etc", "-e", "X=42", "web", "sh", "-c", "echo $PWD $X"]).stdout).toBe("/etc 42\n");

    const t0 = Date.now();
    const s = lab.podman(["stop", "-t", "5", "web"]);
    expect(s.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(lab.inspect("web", "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 0");
    const logs = lab.podman(["logs", "web"]);
    expect(logs.stdout).toBe("started\nstopping\n");
    expect(lab.podman(["rm", "web"]).code).toBe(0);
    expect(lab.podman(["ps", "-aq"]).stdout).toBe("");
    expect(runtimeState(lab.dir, lab.runtimeRoot, id)).toBeUndefined();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 60_000);

  test("exec -it through a pty, and stop of a PID 1 that ignores SIGTERM ends in SIGKILL (137)", () => {
    expect(lab.podman(["run", "-d", "--name", "idle", ...U, ...NONET, "busybox", "sleep", "1000"]).code).toBe(0);
    const t = inPty(lab.dir, lab.command(["exec", "-it", "idle", "sh", "-c", "tty; test -t 0 && echo stdin-is-tty; exit 6"]));
    expect(t.code).toBe(6);
    expect(t.stdout).toMatch(/\/dev\/pts\/\d+\r\nstdin-is-tty\r\n/);
    expect(lab.podman(["stop", "-t", "1", "idle"]).code).toBe(0);
    expect(lab.inspect("idle", "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 137");
    expect(lab.podman(["rm", "idle"]).code).toBe(0);
  }, 60_000);

  test("--net=container:X and --pid=container:X share X's namespaces", () => {
    // X serves on its loopback only: reaching it proves the network namespace is the same one.
    expect(lab.podman(["run", "-d", "--name", "x", ...U, ...NONET, "busybox", "httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/etc"]).code).toBe(0);
    const y = lab.podman(["run", "-d", "--name", "y", ...U, "--net=container:x", "--pid=container:x", "busybox", "sleep", "1000"]);
    expect(y.stderr).toBe("");
    const [px, py] = ["x", "y"].map((n) => Number(lab.inspect(n, "{{.State.Pid}}")));
    expect(nsOf(py, "net")).toBe(nsOf(px, "net"));
    expect(nsOf(py, "pid")).toBe(nsOf(px, "pid"));
    expect(nsOf(py, "mnt")).not.toBe(nsOf(px, "mnt"));
    let got = "";
    for (let i = 0; i < 50 && !got.includes("root:x:0:0"); i++) got = lab.podman(["exec", "y", "wget", "-qO-", "http://127.0.0.1:8080/passwd"]).stdout;
    expect(got).toContain("root:x:0:0");
    // X's httpd is PID 1 of the shared PID namespace; y's sleep is another process in it.
    const ps = lab.podman(["exec", "y", "ps", "-o", "pid,args"]).stdout;
    expect(ps).toMatch(/^\s*1 httpd -f -p 127\.0\.0\.1:8080/m);
    expect(ps).toMatch(/^\s*\d+ sleep 1000/m);
    expect(lab.podman(["rm", "-f", "-t", "0", "y"]).code).toBe(0);
    expect(lab.podman(["rm", "-f", "-t", "0", "x"]).code).toBe(0);
  }, 60_000);

  test("--privileged: the host's devices, /dev/ptmx still the devpts symlink", () => {
    const r = lab.podman(["run", "--rm", "--privileged", ...U, ...NONET, "busybox", "sh", "-c", "readlink /dev/ptmx; test -c /dev/kmsg && echo host-devices"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("pts/ptmx\nhost-devices\n");
  }, 30_000);

  test("--uidmap/--gidmap: root inside is host uid 200000, the rootfs is its own, lo is up", () => {
    const sh = "id -u; cat /proc/self/uid_map; touch /x && echo write-ok; ip -o link show lo";
    const r = lab.podman(["run", "--rm", "--uidmap", "0:200000:65536", "--gidmap", "0:200000:65536", ...U, ...NONET, "busybox", "sh", "-c", sh], { timeoutMs: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^0\n\s+0\s+200000\s+65536\nwrite-ok\n1: lo: <LOOPBACK,UP,LOWER_UP>/);
  }, 60_000);

  test("-m 64m: the limit is set on the host and seen inside; going over it is an OOM kill (137)", () => {
    expect(lab.podman(["run", "-d", "--name", "mem", "-m", "64m", ...U, ...NONET, "busybox", "sleep", "1000"]).code).toBe(0);
    const pid = Number(lab.inspect("mem", "{{.State.Pid}}"));
    const v1 = hostCgroupFile(pid, "memory", "memory.limit_in_bytes");
    const file = v1 && existsSync(v1) ? v1 : hostCgroupFile(pid, "memory", "memory.max")!;
    expect(readFileSync(file, "utf8").trim()).toBe(String(64 << 20));
    const inside = lab.podman(["exec", "mem", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"]);
    expect(inside.stdout.trim()).toBe(String(64 << 20));
    expect(lab.podman(["rm", "-f", "-t", "0", "mem"]).code).toBe(0);

    const hog = 'x=$(head -c 60000000 /dev/zero | tr "\\0" a); echo survived';
    const oom = lab.podman(["run", "--rm", "-m", "16m", "--memory-swap", "16m", ...U, ...NONET, "busybox", "sh", "-c", hog]);
    expect(oom.code).toBe(137);
    expect(oom.stdout).toBe("");
  }, 60_000);

  test("default network (podman's CNI or netavark bridge): eth0 with an address, shared by --net=container", () => {
    const info = lab.podman(["info", "--format", "{{.Host.NetworkBackend}}"]).stdout.trim();
    const configured = info === "netavark" ? existsSync("/usr/lib/podman/netavark") : existsSync("/usr/lib/cni/bridge");
    if (!configured) {
      console.warn(`clients-podman: default network not tested: podman's ${info || "network"} backend is not installed (other tests use --network none)`);
      return;
    }
    const d = lab.podman(["run", "-d", "--name", "netx", ...U, "busybox", "sleep", "1000"]);
    expect(d.stderr).toBe("");
    const addr = lab.podman(["exec", "netx", "ip", "-o", "-4", "addr", "show", "eth0"]).stdout;
    expect(addr).toMatch(/inet \d+\.\d+\.\d+\.\d+\//);
    const shared = lab.podman(["run", "--rm", ...U, "--net=container:netx", "busybox", "ip", "-o", "-4", "addr", "show", "eth0"]).stdout;
    expect(shared.match(/inet \S+/)?.[0]).toBe(addr.match(/inet \S+/)?.[0]);
    expect(lab.podman(["rm", "-f", "-t", "0", "netx"]).code).toBe(0);
  }, 60_000);
});
