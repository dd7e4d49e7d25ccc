// A synthetic host for the namespace toolkit's unit tests: the host, a `db` container with its own
// net/uts/ipc, a `web` container that joined db's network (`--net=container:db`) with its own
// mnt/pid/uts, a process exec'd into web (parent outside), and a plain process with its own mnt.
import type { ProcessInfo, Snapshot } from "../../src/ns/types.ts";

export const HOST = { user: 1000, mnt: 1001, pid: 1002, net: 1003, ipc: 1004, uts: 1005, cgroup: 1006, time: 1007 };

function proc(pid: number, ppid: number, command: string, ns: Partial<typeof HOST>, start = pid): ProcessInfo {
  return { pid, ppid, uid: 0, user: "root", command, start, ns: { ...HOST, ...ns } };
}

export function fixture(): Snapshot {
  const DB = { net: 2003, ipc: 2004, uts: 2005 };
  const WEB = { net: 2003, mnt: 3001, pid: 3002, uts: 3005 };
  return {
    hostPid: 1,
    hostname: "box",
    processes: [
      proc(1, 0, "/sbin/init", {}),
      proc(2, 0, "kthreadd", {}),
      proc(50, 1, "nsbox-monitor", {}),
      proc(100, 50, "redis-server", DB, 500),
      proc(101, 100, "redis-bgsave", DB, 510),
      proc(200, 50, "nginx: master", WEB, 600),
      proc(201, 200, "nginx: worker", WEB, 610),
      proc(300, 50, "sh", WEB, 700), // exec'd into web: a child of the monitor, not of web's init
      proc(400, 1, "systemd-private", { mnt: 4001 }),
    ],
    containers: [
      { id: "db", pid: 100, source: "test" },
      { id: "c0ffee00112233445566", name: "web", pid: 200, source: "test" },
    ],
  };
}
