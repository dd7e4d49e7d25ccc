// User networks through the engine: containers on one network reach each other by name (redis
// answers redis-cli as `db:6379`), a second network cannot reach them, and nothing is left after
// rm and network rm. Traffic stays inside network namespaces these tests create.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { kernelNames } from "../../src/net/context.ts";
import { EngineLab, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab(["busybox", "redis"]);
});
afterAll(async () => {
  await lab.destroy();
});

// This root's veths only (named with its prefix): other tests' containers may come and go.
const vethCount = () => readdirSync("/sys/class/net").filter((l) => l.startsWith(kernelNames(lab.root).vethPrefix)).length;

test("two containers on a user network talk over TCP by name; another network is isolated", async () => {
  const before = vethCount();
  lab.ok(["network", "create", "app"]);
  lab.ok(["network", "create", "other"]);
  lab.ok(["run", "-d", "--name", "db", "--net", "app", "redis"]);
  expect(vethCount()).toBe(before + 1); // db's host end, named with this root's prefix
  let pong = "";
  await lab.until("redis answers by name", () => {
    pong = lab.nsbox(["run", "--rm", "--net", "app", "redis", "redis-cli", "-h", "db", "ping"]).stdout.trim();
    return pong === "PONG";
  }, 15000);
  expect(pong).toBe("PONG");
  // The name resolves on app only: from `other` it is unknown and the address unreachable.
  const dbIp = lab.inspect("db").NetworkSettings.Networks.app.IPAddress as string;
  expect(dbIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  const fromOther = lab.nsbox(["run", "--rm", "--net", "other", "busybox", "sh", "-c", `nslookup db >/dev/null 2>&1 && echo resolved; nc -w 1 ${dbIp} 6379 </dev/null && echo connected; true`]);
  expect(fromOther.stdout).not.toContain("resolved");
  expect(fromOther.stdout).not.toContain("connected");
  lab.ok(["rm", "-f", "db"]);
  lab.ok(["network", "rm", "app", "other"]);
  await lab.until("the endpoints' veths to go", () => vethCount() === before, 15000);
  expect(lab.ok(["network", "ls", "--format", "{{.Name}}"]).split("\n")).toEqual(["bridge", "host", "none"]); // only the predefined ones
});

test("network ls: docker's four columns sorted by name, --no-trunc, -q with --filter, --format fields", async () => {
  const before = vethCount();
  lab.ok(["network", "create", "--label", "tier=web", "lsnet"]);
  lab.ok(["network", "create", "--subnet", "10.234.5.0/24", "idle"]);
  lab.ok(["run", "-d", "--name", "lsbox", "--net", "lsnet", "busybox", "sleep", "300"]);
  const [header, ...rows] = lab.ok(["network", "ls"]).split("\n");
  expect(header).toBe("NETWORK ID     NAME      DRIVER    SCOPE"); // docker's tabwriter: cells ≥ 10 wide, 3 spaces of padding
  const driver: Record<string, string> = { host: "host", none: "null" };
  expect(rows.map((r) => r.split(/\s+/))).toEqual(["bridge", "host", "idle", "lsnet", "none"].map((n) => [expect.stringMatching(/^[0-9a-f]{12}$/), n, driver[n] ?? "bridge", "local"]));
  const idleId = lab.ok(["network", "inspect", "-f", "{{.Id}}", "idle"]);
  expect(lab.ok(["network", "ls", "--no-trunc", "-q", "--filter", "name=idle"])).toBe(idleId);
  expect(lab.ok(["network", "ls", "-q", "--filter", "dangling=true"])).toBe(idleId.slice(0, 12)); // lsnet has a container
  expect(lab.ok(["network", "ls", "--filter", "type=custom", "--filter", "label=tier", "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Internal}} {{.IPv6}}"])).toBe("lsnet bridge local tier=web false false");
  expect(lab.ok(["network", "ls", "-f", "name=^idle$", "--format", "{{.Subnet}} {{.CreatedAt}}"])).toMatch(/^10\.234\.5\.0\/24 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
  const bad = lab.nsbox(["network", "ls", "--filter", "type=user"]);
  expect([bad.code, bad.stderr]).toEqual([125, "nsbox: invalid filter: 'type'='user'\n"]);
  lab.ok(["rm", "-f", "lsbox"]);
  lab.ok(["network", "rm", "lsnet", "idle"]);
  await lab.until("lsbox's veth to go", () => vethCount() === before, 15000); // the next test counts veths
});

test("host and none are predefined networks: listed with stable ids, inspected, never removed or created", () => {
  const ls = () => lab.ok(["network", "ls", "--no-trunc", "--filter", "type=builtin", "--format", "{{.ID}} {{.Name}} {{.Driver}} {{.Scope}}"]).split("\n");
  const first = ls();
  expect(first.map((l) => l.split(" ").slice(1).join(" "))).toEqual(["bridge bridge local", "host host local", "none null local"]);
  expect(ls()).toEqual(first); // the same ids on every invocation
  const hostId = first[1]!.split(" ")[0]!;
  expect(lab.ok(["network", "ls", "-q", "--filter", "driver=null"])).toBe(first[2]!.slice(0, 12));
  expect(lab.ok(["network", "ls", "-q", "--filter", "dangling=true", "--filter", "type=builtin"])).toBe(""); // predefined: never dangling
  lab.ok(["run", "-d", "--name", "onhost", "--net", "host", "busybox", "sleep", "60"]);
  const host = JSON.parse(lab.ok(["network", "inspect", hostId.slice(0, 12)]))[0];
  expect([host.Name, host.Id, host.Driver, host.Scope, host.IPAM.Config]).toEqual(["host", hostId, "host", "local", []]);
  expect(Object.values(host.Containers).map((c: any) => c.Name)).toEqual(["onhost"]); // docker lists --net host containers here
  expect(lab.ok(["network", "inspect", "-f", "{{.Driver}} {{json .Containers}}", "none"])).toBe("null {}");
  for (const name of ["host", "none", "bridge", hostId]) {
    const rm = lab.nsbox(["network", "rm", name]);
    expect([name, rm.code, rm.stdout, rm.stderr]).toEqual([name, 1, "", `nsbox: ${name === hostId ? "host" : name} is a pre-defined network and cannot be removed\n`]);
  }
  const create = lab.nsbox(["network", "create", "host"]);
  expect([create.code, create.stderr]).toEqual([1, "nsbox: operation is not permitted on predefined host network\n"]);
  expect(ls()).toEqual(first);
  lab.ok(["rm", "-f", "onhost"]);
});

test("an unknown network is one clear error and leaves no container", () => {
  const r = lab.nsbox(["run", "--rm", "--name", "lost", "--net", "nosuchnet", "busybox", "true"]);
  expect(r.code).toBe(125);
  expect(r.stderr.trim().split("\n")).toEqual(["nsbox: network nosuchnet not found"]);
  expect(lab.nsbox(["inspect", "lost"]).code).not.toBe(0);
});

test("--ip, --network-alias, --dns and --add-host shape the container's network files", async () => {
  lab.ok(["network", "create", "--subnet", "10.231.7.0/24", "fixed"]);
  lab.ok(["run", "-d", "--name", "aliased", "--net", "fixed", "--network-alias", "svc", "busybox", "sleep", "60"]);
  const out = lab.ok(["run", "--rm", "--net", "fixed", "--ip", "10.231.7.50", "--dns", "10.231.7.1", "--add-host", "extra.example:10.1.2.3",
    "busybox", "sh", "-c", "ip -4 addr show eth0; cat /etc/hosts /etc/resolv.conf; nslookup svc 2>&1"]);
  expect(out).toContain("inet 10.231.7.50/24");
  expect(out).toMatch(/10\.1\.2\.3\s+extra\.example/);
  expect(out).toContain("nameserver 10.231.7.1");
  const aliasedIp = lab.inspect("aliased").NetworkSettings.Networks.fixed.IPAddress as string;
  expect(out).toContain(aliasedIp); // svc resolves to the aliased container
  lab.ok(["rm", "-f", "aliased"]);
  lab.ok(["network", "rm", "fixed"]);
});

test("kill -9 of the CLI during run -d on the bridge: the next run removes what was left (veth, lease)", async () => {
  const before = vethCount();
  for (const delay of [20, 40, 60, 80, 100, 130, 160, 200]) {
    const p = Bun.spawn([...NSBOX, "run", "-d", "--name", `n${delay}`, "busybox", "sleep", "100"], {
      env: lab.env, stdout: "ignore", stderr: "ignore",
    });
    await Bun.sleep(delay);
    p.kill("SIGKILL");
    await p.exited;
  }
  await Bun.sleep(300);
  lab.ok(["run", "--rm", "busybox", "true"]); // any create reconciles, the network included
  const ids = lab.ok(["ps", "-aq", "--no-trunc"]).split("\n").filter(Boolean);
  // A kill after the network was attached but before start leaves a complete "created" container
  // that keeps its endpoint (as its namespace lives): at most one veth per container that exists,
  // the bridge's leases name only containers that exist, and removing them leaves nothing.
  expect(vethCount() - before).toBeLessThanOrEqual(ids.length);
  const leased = Object.keys(JSON.parse(lab.ok(["network", "inspect", "bridge"]))[0].Containers ?? {});
  for (const id of leased) expect(ids).toContain(id);
  if (ids.length) lab.ok(["rm", "-f", ...ids]);
  // The kernel tears a dead network namespace down asynchronously (its veth goes a moment later;
  // PID 1 here also reaps the inits slowly): wait for it, a bounded time.
  await lab.until("the endpoints' veths to go", () => vethCount() === before, 15000);
  expect(vethCount()).toBe(before);
}, 60000);
