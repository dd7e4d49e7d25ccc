// nsbox-runtime on a real kernel: what the container's process sees of its namespaces, /proc,
// hostname, user namespace maps and read-only mounts. Root only; every test has its own --root
// and bundle in a temp dir and must leave nothing behind.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRun, nsInode, Sandbox, testSpec, userNamespace } from "../helpers/runtime.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  expect(await sb.cleanup()).toEqual([]);
});

/** `run` a container with `script` in the foreground; returns its stdout. */
function runScript(script: string, edit?: Parameters<typeof testSpec>[1]): string {
  const bundle = sb.bundle(testSpec(["sh", "-c", script], edit));
  const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return r.stdout;
}

describe.skipIf(!canRun)("namespaces", () => {
  test("the process is PID 1 and ps shows only the container's processes", () => {
    const out = runScript(
      // wait until the background child has exec'd sleep, so ps shows it by its name
      // (with the shell's own `read`: a forking loop would use up PIDs on a busy machine)
      "echo pid=$$; sleep 30 & until read c < /proc/$!/comm && [ \"$c\" = sleep ]; do :; done; ps -o pid,comm; kill $!",
    );
    const [first, header, ...rows] = out.trim().split("\n");
    expect(first).toBe("pid=1");
    expect(header!.trim().split(/\s+/)).toEqual(["PID", "COMMAND"]);
    // sh (1), the background sleep and ps itself: nothing of the host.
    const procs = rows.map((l) => l.trim().split(/\s+/));
    expect(procs.map((p) => p[1]).sort()).toEqual(["ps", "sh", "sleep"]);
    expect(procs.find((p) => p[1] === "sh")![0]).toBe("1");
    expect(procs.every((p) => Number(p[0]) < 10)).toBe(true);
  });

  test("/proc is a fresh proc mount for the container's PID namespace", () => {
    const out = runScript("ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '; echo; cat /proc/1/cmdline | tr '\\0' ' '; echo; grep ' /proc ' /proc/self/mounts");
    const [pids, init, mount] = out.split("\n");
    // Only PID 1 (sh) and the pipeline's own processes, all small numbers.
    const list = pids!.trim().split(" ").map(Number);
    expect(list).toContain(1);
    expect(list.every((p) => p < 20)).toBe(true);
    expect(init!.trim()).toMatch(/^sh -c ls \/proc/);
    expect(mount).toMatch(/^proc \/proc proc /);
  });

  test("hostname is set in a UTS namespace and the host's is unchanged", () => {
    const host = readFileSync("/proc/sys/kernel/hostname", "utf8").trim();
    const out = runScript("hostname; cat /proc/sys/kernel/hostname", (s) => (s.hostname = "box-under-test"));
    expect(out).toBe("box-under-test\nbox-under-test\n");
    expect(readFileSync("/proc/sys/kernel/hostname", "utf8").trim()).toBe(host);
  });

  test("every namespace in the config is new: inodes differ from the host's", () => {
    const out = runScript("for n in mnt pid net ipc uts cgroup; do readlink /proc/self/ns/$n; done");
    const inside = out.trim().split("\n");
    const host = ["mnt", "pid", "net", "ipc", "uts", "cgroup"].map((n) => `${n}:[${nsInode("self", n)}]`);
    expect(inside.length).toBe(6);
    inside.forEach((line, i) => expect(line).not.toBe(host[i]!));
    // The user namespace was not asked for: shared with the host.
    expect(runScript("readlink /proc/self/ns/user").trim()).toBe(`user:[${nsInode("self", "user")}]`);
  });

  test("a network namespace joined by path is the owner's: same inode, same addresses", async () => {
    // A sleep in a new network namespace, made with util-linux unshare (it execs sleep: same PID).
    const owner = Bun.spawn(["unshare", "--net", "sh", "-c", "ip addr add 10.254.254.1/32 dev lo; exec sleep 30"], { stderr: "inherit" });
    try {
      const nsFile = `/proc/${owner.pid}/ns/net`;
      for (let i = 0; i < 400 && readFileSync(`/proc/${owner.pid}/comm`, "utf8").trim() !== "sleep"; i++) await Bun.sleep(5);
      const want = statSync(nsFile).ino;
      expect(want).not.toBe(nsInode("self", "net"));
      const out = runScript("stat -L -c %i /proc/self/ns/net; ip -o addr show dev lo | grep -o 'inet [0-9./]*'", (s) => {
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === "network" ? { type: "network", path: nsFile } : n));
      });
      const [inode, addr] = out.trim().split("\n");
      expect(Number(inode)).toBe(want);
      expect(addr).toBe("inet 10.254.254.1/32"); // the address the owner gave its lo
    } finally {
      owner.kill("SIGKILL");
      await owner.exited;
    }
  });

  test("UTS and IPC namespaces joined by path: the owner's hostname and the same inodes", async () => {
    const owner = Bun.spawn(["unshare", "--uts", "--ipc", "sh", "-c", "hostname owner-host; exec sleep 30"], { stderr: "inherit" });
    try {
      for (let i = 0; i < 400 && readFileSync(`/proc/${owner.pid}/comm`, "utf8").trim() !== "sleep"; i++) await Bun.sleep(5);
      const out = runScript("hostname; readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc", (s) => {
        delete s.hostname; // the joined namespace keeps its own
        s.linux!.namespaces = s.linux!.namespaces!.map((n) =>
          n.type === "uts" || n.type === "ipc" ? { type: n.type, path: `/proc/${owner.pid}/ns/${n.type}` } : n,
        );
      });
      expect(out.trim().split("\n")).toEqual(["owner-host", `uts:[${nsInode(owner.pid, "uts")}]`, `ipc:[${nsInode(owner.pid, "ipc")}]`]);
      expect(nsInode(owner.pid, "uts")).not.toBe(nsInode("self", "uts"));
    } finally {
      owner.kill("SIGKILL");
      await owner.exited;
    }
  });

  test("uid and gid maps of a new user namespace are visible in /proc/self/uid_map", () => {
    const out = runScript("cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox", (s) => userNamespace(s, 100000));
    const lines = out.trim().split("\n").map((l) => l.trim().split(/\s+/).join(" "));
    // rootfs files belong to host root, which is not mapped: they show as the overflow uid.
    expect(lines).toEqual(["0 100000 65536", "0 100000 65536", "0", "65534"]);
  });

  test("a process in a user namespace runs as the mapped host uid", async () => {
    const bundle = sb.bundle(testSpec(["sleep", "30"], (s) => userNamespace(s, 200000)));
    const id = sb.id();
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    const pid = Number(sb.state(id).pid);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe("200000");
    expect(/^Gid:\s+(\d+)/m.exec(status)![1]).toBe("200000");
    expect(nsInode(pid, "user")).not.toBe(nsInode("self", "user"));
    expect(sb.rt(["delete", "--force", id]).code).toBe(0);
  });
});

describe.skipIf(!canRun)("mounts: read-only and bind", () => {
  test("a read-only rootfs refuses writes, while tmpfs mounts on it stay writable", () => {
    const out = runScript("touch /newfile 2>&1; echo rc=$?; touch /dev/shm/x && echo shm-ok", (s) => (s.root!.readonly = true));
    expect(out).toMatch(/Read-only file system/);
    expect(out).toMatch(/rc=1\nshm-ok\n$/);
  });

  test("a writable rootfs takes writes, which land in the bundle's rootfs", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "echo hello > /written"]));
    expect(sb.rt(["run", "--bundle", bundle, sb.id()]).code).toBe(0);
    expect(readFileSync(join(bundle, "rootfs/written"), "utf8")).toBe("hello\n");
  });

  test("a bind mount with ro refuses writes; the host directory stays untouched", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "cat /data/hello; (echo x > /data/new) 2>&1; echo rc=$?"], (s) => {
      s.mounts!.push({ destination: "/data", type: "bind", source: "rootfs/etc", options: ["rbind", "ro"] });
    }));
    writeFileSync(join(bundle, "rootfs/etc/hello"), "from host\n");
    const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
    expect(r.stdout).toMatch(/^from host\n.*Read-only file system\nrc=1\n$/s);
    expect(existsSync(join(bundle, "rootfs/etc/new"))).toBe(false);
  });

  test("a file bind-mounted onto a missing destination gets a file there (not a directory)", () => {
    const bundle = sb.bundle(testSpec(["sh", "-c", "cat /etc/from-host /new/dir/file; stat -c %F /new/dir/file"], (s) => {
      s.mounts!.push({ destination: "/etc/from-host", type: "bind", source: "host.txt", options: ["rbind", "ro"] });
      s.mounts!.push({ destination: "/new/dir/file", type: "bind", source: "host.txt", options: ["bind"] });
    }));
    writeFileSync(join(bundle, "host.txt"), "hello from the host\n");
    const r = sb.rt(["run", "--bundle", bundle, sb.id()]);
    expect(r).toEqual({ code: 0, stdout: "hello from the host\nhello from the host\nregular file\n", stderr: "" });
  });

  test("sysfs and cgroup mounts of the default config are read-only", () => {
    const out = runScript("touch /sys/x 2>&1; mkdir /sys/fs/cgroup/x 2>&1; grep -E ' /sys(/fs/cgroup)? ' /proc/self/mounts", (s) => {
      s.process!.capabilities = undefined; // keep CAP_SYS_ADMIN etc.: ro must hold even for root
    });
    expect(out.match(/Read-only file system/g)?.length).toBe(2);
    for (const line of out.split("\n").filter((l) => / \/sys(\/fs\/cgroup)? /.test(l))) expect(line.split(" ")[3]).toMatch(/^ro\b/);
  });
});
