// Leases under concurrency, clean-up, and reconciliation after a crash (kill -9 mid-set-up, a
// namespace that vanished). Root; network namespaces created by the test only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bun, NetLab, NSBOX, sh } from "./net-util.ts";

const child = join(import.meta.dir, "net-attach-child.ts");
let lab: NetLab;
beforeAll(() => {
  lab = new NetLab();
});
afterAll(async () => {
  await lab.destroy();
});

describe("leases", () => {
  test("20 concurrent attaches from 20 processes get 20 distinct addresses; all is gone after detach and rm", async () => {
    lab.net.createNetwork({ name: "crowd", subnet: "10.231.0.0/24" });
    const nss = Array.from({ length: 20 }, (_, i) => lab.netns(`c${i}`));
    const procs = nss.map((ns, i) => Bun.spawn([bun, child, lab.root, `crowd${i}`, ns.path, "crowd"], { stdout: "pipe", stderr: "pipe" }));
    const results = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
    for (const r of results) expect(r.err).toBe("");
    const ips = results.map((r) => JSON.parse(r.out).endpoints[0].ip as string);
    expect(new Set(ips).size).toBe(20);
    // and the kernel agrees: each namespace has its own address on eth0
    for (const [i, ns] of nss.entries()) expect(lab.exec(ns.name, ["ip", "-4", "-o", "addr", "show", "eth0"]).stdout).toContain(`inet ${ips[i]}/24`);
    expect(lab.net.inspectNetwork("crowd").Containers).toContainKey("crowd7");

    await Promise.all(nss.map((_, i) => lab.net.detach(`crowd${i}`)));
    expect(lab.net.ctx.store.endpoints()).toEqual([]);
    expect(existsSync(join(lab.root, "net/containers/crowd3"))).toBe(false);
    await lab.net.removeNetwork("crowd");
    await lab.net.removeAllNetworks();
    expect(lab.leftovers()).toEqual([]);
    expect(lab.net.listNetworks()).toEqual([]);
  });

  test("concurrent attaches inside one process (an API server) get distinct addresses and ports too", async () => {
    const nss = Array.from({ length: 10 }, (_, i) => lab.netns(`p${i}`));
    const results = await Promise.all(nss.map((ns, i) => lab.net.attach({ containerId: `inproc${i}`, netnsPath: ns.path, ports: [{ hostIp: "127.0.0.1", hostPort: 0, containerPort: 80, proto: "tcp" }] })));
    expect(new Set(results.map((r) => r.endpoints[0]!.ip)).size).toBe(10);
    expect(new Set(results.map((r) => r.ports[0]!.hostPort)).size).toBe(10);
    await Promise.all(nss.map((_, i) => lab.net.detach(`inproc${i}`)));
    expect(lab.net.ctx.store.endpoints()).toEqual([]);
    expect(sh(["nft", "list", "table", "ip", lab.names.table]).stdout).not.toContain("dnat to");
  });

  test("a released address is reused; a requested one is honoured and refused when taken", async () => {
    lab.net.createNetwork({ name: "reuse", subnet: "10.232.0.0/29" });
    const a = lab.netns("ra"), b = lab.netns("rb");
    const ra = await lab.net.attach({ containerId: "reuse-a", netnsPath: a.path, networks: [{ network: "reuse", ip: "10.232.0.5" }] });
    expect(ra.endpoints[0]!.ip).toBe("10.232.0.5");
    await expect(lab.net.attach({ containerId: "reuse-b", netnsPath: b.path, networks: [{ network: "reuse", ip: "10.232.0.5" }] })).rejects.toThrow("already in use");
    await lab.net.detach("reuse-a");
    const rb = await lab.net.attach({ containerId: "reuse-b", netnsPath: b.path, networks: [{ network: "reuse", ip: "10.232.0.5" }] });
    expect(rb.endpoints[0]!.ip).toBe("10.232.0.5");
    await expect(lab.net.removeNetwork("reuse")).rejects.toThrow("has active endpoints");
    await lab.net.detach("reuse-b");
    await lab.net.detach("reuse-b"); // twice is fine
    await lab.net.removeNetwork("reuse");
  });
});

describe("connect and disconnect", () => {
  test("a container on no network is connected by its namespace path, gets the default route, and interface names are reused", async () => {
    lab.net.createNetwork({ name: "conn-a", subnet: "10.236.0.0/24" });
    lab.net.createNetwork({ name: "conn-b", subnet: "10.237.0.0/24", internal: true });
    const ns = lab.netns("conn");
    await expect(lab.net.connect("lonely", { network: "conn-a" })).rejects.toThrow("is on no network");
    await expect(lab.net.attach({ containerId: "lonely", netnsPath: ns.path, networks: [{ network: "conn-a" }], extraHosts: ["oops"] })).rejects.toThrow("expected NAME:IP");
    expect(lab.net.ctx.store.endpoints({ container: "lonely" })).toEqual([]); // refused before any work
    const b = await lab.net.connect("lonely", { network: "conn-b", netnsPath: ns.path });
    expect(b.ifname).toBe("eth0");
    expect(lab.exec(ns.name, ["ip", "route"]).stdout).not.toContain("default"); // internal: no way out
    const a = await lab.net.connect("lonely", { network: "conn-a", name: "lonely" });
    expect(a.ifname).toBe("eth1");
    expect(lab.exec(ns.name, ["ip", "route"]).stdout).toContain("default via 10.236.0.1 dev eth1");
    await lab.net.detach("lonely", "conn-b");
    const again = await lab.net.connect("lonely", { network: "conn-b" });
    expect(again.ifname).toBe("eth0"); // the gap left by the disconnect
    expect(lab.exec(ns.name, ["ip", "-4", "-o", "addr"]).stdout).toContain(`eth0    inet ${again.ip}/24`);
    await lab.net.detach("lonely");
    await lab.net.removeNetwork("conn-a");
    await lab.net.removeNetwork("conn-b");
  });
});

describe("crash recovery", () => {
  test("kill -9 in the middle of attach: reconcile removes the veth and the lease", async () => {
    lab.net.createNetwork({ name: "crash" });
    const ns = lab.netns("k9");
    const p = Bun.spawn([bun, child, lab.root, "victim", ns.path, "crash"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, NSBOX_NET_TEST_PAUSE: "after-veth" } });
    let veth = "";
    for (let i = 0; i < 300 && !(veth && existsSync(`/sys/class/net/${veth}`)); i++) {
      veth = lab.net.ctx.store.endpoints({ container: "victim" })[0]?.veth ?? "";
      await Bun.sleep(10);
    }
    await Bun.sleep(50); // inside-netns configuration runs after the host link exists
    p.kill(9);
    await p.exited;
    expect(existsSync(`/sys/class/net/${veth}`)).toBe(true);
    expect(lab.net.ctx.store.endpoints({ container: "victim" })[0]?.state).toBe("creating");

    const report = await lab.net.reconcile();
    expect(report.endpoints).toEqual([expect.objectContaining({ container: "victim", network: "crash", why: "set-up interrupted" })]);
    expect(report.links).toContain(veth);
    expect(existsSync(`/sys/class/net/${veth}`)).toBe(false);
    expect(lab.net.ctx.store.endpoints()).toEqual([]);
  });

  test("a namespace that vanished without detach: its lease, rules and files go at reconcile", async () => {
    const ns = lab.netns("gone");
    await lab.net.attach({ containerId: "vanished", netnsPath: ns.path, ports: [{ hostIp: "127.0.0.1", hostPort: 0, containerPort: 80, proto: "tcp" }] });
    expect(sh(["nft", "list", "table", "ip", lab.names.table]).stdout).toContain("dnat to");
    sh(["ip", "netns", "del", ns.name]);
    const report = await lab.net.reconcile();
    expect(report.endpoints.map((e) => e.why)).toEqual(["network namespace gone"]);
    expect(sh(["nft", "list", "table", "ip", lab.names.table]).stdout).not.toContain("dnat to");
    expect(lab.net.ports("vanished")).toEqual([]);
  });

  test("reconcile recreates a deleted bridge and restores a flushed table; leftover links of ours go", async () => {
    const row = lab.net.network("crash");
    sh(["ip", "link", "del", row.bridge]);
    sh(["nft", "delete", "table", "ip", lab.names.table]);
    sh(["ip", "link", "add", `${lab.names.vethPrefix}deadbeef`, "type", "veth", "peer", "name", `nsbtpeer${process.pid % 1000}`]);
    const report = await lab.net.reconcile();
    expect(report.bridgesRecreated).toContain(row.bridge);
    expect(report.links).toEqual([`${lab.names.vethPrefix}deadbeef`]);
    expect(existsSync(`/sys/class/net/${row.bridge}`)).toBe(true);
    expect(sh(["nft", "list", "table", "ip", lab.names.table]).code).toBe(0);
  });
});

describe("nsbox network CLI", () => {
  const cli = (args: string[]) => sh([...NSBOX, "network", ...args], { NSBOX_ROOT: lab.root });

  test("create, ls, inspect, connect/disconnect by name, rm, prune", async () => {
    expect(cli(["create", "--subnet", "10.233.0.0/24", "--gateway", "10.233.0.254", "--internal", "clinet"]).code).toBe(0);
    expect(cli(["ls"]).stdout).toMatch(/^[0-9a-f]{12} +clinet +bridge +local$/m);
    expect(cli(["ls", "-f", "name=clinet", "--format", "{{.Subnet}} {{.Internal}}"]).stdout).toBe("10.233.0.0/24 true\n");
    const info = JSON.parse(cli(["inspect", "clinet"]).stdout)[0];
    expect(info).toMatchObject({ Name: "clinet", Driver: "bridge", Internal: true, IPAM: { Config: [{ Subnet: "10.233.0.0/24", Gateway: "10.233.0.254" }] } });
    const ns = lab.netns("cli");
    await lab.net.attach({ containerId: "clicontainer", name: "clibox", netnsPath: ns.path, networks: [{ network: "crash" }] });
    expect(cli(["connect", "--ip", "10.233.0.7", "clinet", "clibox"]).stderr).toBe("");
    expect(lab.exec(ns.name, ["ip", "-4", "-o", "addr", "show", "eth1"]).stdout).toContain("inet 10.233.0.7/24");
    expect(cli(["inspect", "-f", "{{json .Containers}}", "clinet"]).stdout).toContain('"IPv4Address":"10.233.0.7/24"');
    const rm = cli(["rm", "clinet"]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain("has active endpoints (clibox)");
    expect(cli(["disconnect", "clinet", "clibox"]).code).toBe(0);
    expect(lab.exec(ns.name, ["ip", "-o", "link"]).stdout).not.toContain("eth1");
    expect(cli(["rm", "clinet"]).stdout.trim()).toBe("clinet");
    expect(cli(["create", "spare"]).code).toBe(0);
    expect(cli(["prune", "-f"]).stdout).toContain("spare");
    await lab.net.detach("clicontainer");
  });

  test("bad input: one clear line, non-zero exit, nothing created", () => {
    // This root's own links, table and resolvers (not the host's link count: other tests' containers
    // may come and go meanwhile).
    const before = lab.leftovers();
    for (const [args, msg] of [
      [["create", "--subnet", "10.0.0.1/8", "x"], "host bits are set"],
      [["create", "--subnet", "300.0.0.0/8", "x"], "invalid subnet"],
      [["create", "--gateway", "10.9.9.9", "x"], "--gateway needs --subnet"],
      [["create", "--subnet", "10.234.0.0/24", "--gateway", "10.235.0.1", "x"], "not a host address"],
      [["create", "bad name"], "invalid network name"],
      [["create", "bridge"], "operation is not permitted on predefined bridge network"],
      [["rm", "bridge"], "pre-defined network"],
      [["create", "--bogus", "x"], "Unknown option '--bogus'"],
      [["frobnicate"], "is not a nsbox command"],
    ] as [string[], string][]) {
      const r = cli(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(lab.net.listNetworks().map((n) => n.name).sort()).toEqual(["bridge", "crash"]);
    expect(lab.leftovers()).toEqual(before);
  });
});
