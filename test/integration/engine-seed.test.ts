// The seed scenario with the offline redis and nginx images: db runs redis, web runs nginx in
// db's network namespace; from web, redis answers on 127.0.0.1:6379; `nsbox ns web db` shows the
// network namespace shared and the others distinct; nsenter -t NAME finds engine containers.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readlinkSync } from "node:fs";
import { EngineLab } from "./engine-util.ts";
import { freePort } from "../helpers/ports.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab(["busybox", "redis", "nginx"]);
});
afterAll(async () => {
  await lab.destroy();
});

const ns = (pid: number, type: string) => readlinkSync(`/proc/${pid}/ns/${type}`);

test("db (redis) and web (nginx, --net=container:db) share one network namespace", async () => {
  lab.ok(["run", "-d", "--name=db", "redis"]);
  lab.ok(["run", "-d", "--name=web", "--net=container:db", "nginx"]);
  const db = lab.inspect("db");
  const web = lab.inspect("web");
  expect(db.NetworkSettings.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect(web.HostConfig.NetworkMode).toBe(`container:${db.Id}`);
  expect(ns(web.State.Pid, "net")).toBe(ns(db.State.Pid, "net"));
  for (const t of ["mnt", "pid", "ipc", "uts"]) expect(ns(web.State.Pid, t)).not.toBe(ns(db.State.Pid, t));
  // redis answers from web on loopback (redis-cli lives in the redis image; busybox nc is in both)
  let pong = "";
  await lab.until("redis up", () => {
    pong = lab.nsbox(["exec", "web", "sh", "-c", 'printf "PING\\r\\n" | nc -w 1 127.0.0.1 6379']).stdout;
    return pong.includes("PONG");
  });
  expect(pong).toBe("+PONG\r\n");
  expect(lab.ok(["exec", "db", "redis-cli", "ping"])).toBe("PONG");
  // and nginx answers in db
  await lab.until("nginx up", () => lab.nsbox(["exec", "db", "wget", "-qO-", "http://127.0.0.1/"]).stdout.includes("nginx"));
  const show = lab.ok(["ns", "web", "db"]);
  expect(show).toMatch(/web \/ db:[\s\S]*net:\s+shared/);
  expect(show).toMatch(/web \/ db:[\s\S]*mnt:\s+distinct[\s\S]*pid:\s+distinct[\s\S]*ipc:\s+distinct[\s\S]*uts:\s+distinct/);
  expect(lab.ok(["nsenter", "-t", "db", "-n", "cat", "/proc/net/dev"])).toMatch(/eth0/);
  // db's network namespace is pinned: after db restarts, web still reaches the new redis
  const before = ns(web.State.Pid, "net");
  lab.ok(["restart", "-t", "1", "db"]);
  const db2 = lab.inspect("db");
  expect(db2.State.Pid).not.toBe(db.State.Pid);
  expect(ns(db2.State.Pid, "net")).toBe(before);
  await lab.until("redis back", () => lab.nsbox(["exec", "web", "sh", "-c", 'printf "PING\\r\\n" | nc -w 1 127.0.0.1 6379']).stdout.includes("PONG"));
  // an owner with dependents is not removed by accident (stopped or not), -f overrides
  lab.ok(["stop", "-t", "1", "db"]);
  const rm = lab.nsbox(["rm", "db"]);
  expect(rm.code).toBe(1);
  expect(rm.stderr).toMatch(/container "web" shares its namespaces/);
  lab.ok(["rm", "-f", "db", "web"]);
  expect(lab.mountsLeft()).toEqual([]);
});

test("-p publishes a port on the host (nginx answers through it); port and ps show it", async () => {
  const port = freePort();
  lab.ok(["run", "-d", "--name", "pub", "-p", `${port}:80`, "nginx"]);
  expect(lab.ok(["port", "pub"])).toBe(`80/tcp -> 0.0.0.0:${port}`);
  expect(lab.ok(["ps", "--format", "{{.Names}} {{.Ports}}"])).toBe(`pub 0.0.0.0:${port}->80/tcp`);
  const ip = lab.inspect("pub").NetworkSettings.IPAddress;
  let body = "";
  await lab.until("nginx through the published port", () => {
    const r = Bun.spawnSync(["curl", "-s", "-m", "1", `http://${ip}:80/`]);
    body = r.stdout.toString();
    return body.includes("nginx");
  });
  const viaPort = Bun.spawnSync(["curl", "-s", "-m", "2", `http://127.0.0.1:${port}/`]).stdout.toString();
  expect(viaPort).toContain("nginx");
  lab.ok(["rm", "-f", "pub"]);
});
