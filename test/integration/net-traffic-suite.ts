// Real traffic between network namespaces the test creates: names through the embedded resolver,
// published ports from the host's 127.0.0.1, --internal with no way out, isolation between
// networks, and nothing left at the end. Root; nothing leaves the machine. Run once per firewall
// backend (net-traffic.test.ts: nft, net-traffic-iptables.test.ts: iptables).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { buildAnswer, buildQuery, parseAnswer, parseQuery } from "../../src/net/dns/packet.ts";
import type { FirewallKind } from "../../src/net/context.ts";
import { NetLab, sh } from "./net-util.ts";

let lab: NetLab;

export function trafficSuite(firewall: FirewallKind): void {
  beforeAll(() => {
    lab = new NetLab(firewall);
  });
  afterAll(async () => {
    await lab.destroy();
  });

  /** Sends one DNS query from inside `netns` with busybox nslookup and returns the addresses. */
  function nslookup(netns: string, name: string, server: string, timeout = 3): { ok: boolean; ips: string[] } {
    const r = lab.exec(netns, ["timeout", String(timeout), "busybox", "nslookup", "-type=a", name, server]);
    const ips = [...r.stdout.split("Name:")[1]?.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)/g) ?? []].map((m) => m[1]!);
    return { ok: r.code === 0 && ips.length > 0, ips };
  }

  describe("user network", () => {
    test("two containers reach each other over TCP by name and alias (embedded DNS)", async () => {
      lab.net.createNetwork({ name: "app" });
      const db = lab.netns("db"), web = lab.netns("web");
      const rdb = await lab.net.attach({ containerId: "dbcontainer0001", name: "db", netnsPath: db.path, networks: [{ network: "app", aliases: ["redis"] }], filesDir: db.files });
      const rweb = await lab.net.attach({ containerId: "webcontainer001", name: "web", netnsPath: web.path, networks: [{ network: "app" }], filesDir: web.files });
      const gw = rdb.endpoints[0]!.gateway;
      expect(readFileSync(rweb.resolvConfFile, "utf8")).toStartWith(`nameserver ${gw}\n`);
      await lab.server(db.name, 6379, "PONG");
      expect(lab.connect(web.name, "db", 6379)).toBe("PONG"); // name → address via resolv.conf → gateway resolver
      expect(lab.connect(web.name, "redis", 6379)).toBe("PONG"); // network alias
      expect(nslookup(web.name, "db.app", gw).ips).toEqual([rdb.endpoints[0]!.ip]); // name.network
      expect(nslookup(web.name, "nosuchcontainer", gw).ok).toBe(false);
      expect(readFileSync(rweb.hostsFile, "utf8")).toContain(`${rweb.endpoints[0]!.ip}\twebcontainer web\n`);
      // reverse lookup (PTR), from inside
      const ptr = lab.exec(web.name, ["timeout", "3", "busybox", "nslookup", rdb.endpoints[0]!.ip, gw]).stdout;
      expect(ptr).toContain("name = db.app");
      // TCP (clients fall back to it for long answers): the host may ask too
      const reply = await new Promise<Uint8Array>((resolve, reject) => {
        const q = buildQuery(77, "redis");
        Bun.connect({
          hostname: gw, port: 53,
          socket: {
            open(sock) { sock.write(Uint8Array.from([0, q.length, ...q])); },
            data(sock, d) { sock.end(); resolve(new Uint8Array(d).subarray(2)); },
            error(_s, e) { reject(e); },
          },
        }).catch(reject);
      });
      expect(parseAnswer(reply)).toMatchObject({ id: 77, rcode: 0, ips: [rdb.endpoints[0]!.ip] });
    });

    test("a detached container's name stops resolving", async () => {
      const tmp = lab.netns("tmp");
      const r = await lab.net.attach({ containerId: "tmpcontainer001", name: "ephemeral", netnsPath: tmp.path, networks: [{ network: "app" }] });
      const gw = r.endpoints[0]!.gateway;
      const sock = await Bun.udpSocket({});
      const ask = (name: string) =>
        new Promise<string[]>((resolve) => {
          sock.reload({ socket: { data: (_s, d) => resolve(parseAnswer(new Uint8Array(d)).ips) } });
          sock.send(buildQuery(9, name), 53, gw);
        });
      expect(await ask("ephemeral")).toEqual([r.endpoints[0]!.ip]);
      await lab.net.detach("tmpcontainer001");
      expect(await ask("ephemeral")).toEqual([]);
      sock.close();
    });
  });

  describe("resolver forwarding", () => {
    test("other names go to the container's --dns server (a fake upstream on the host's loopback)", async () => {
      // The upstream answers every A query with 203.0.113.7 (TEST-NET-3); it listens on 127.0.0.77:53,
      // which the resolver (in the host's namespace) can reach and nothing outside is involved.
      const upstream = await Bun.udpSocket({
        hostname: "127.0.0.77", port: 53,
        socket: {
          data(sock, data, port, addr) {
            const q = parseQuery(new Uint8Array(data))!;
            sock.send(buildAnswer(new Uint8Array(data), q, 0, [q.name === "upstream.test" ? "203.0.113.7" : "203.0.113.8"]), port, addr);
          },
        },
      });
      try {
        const c = lab.netns("fwd");
        const r = await lab.net.attach({ containerId: "fwdcontainer01", netnsPath: c.path, networks: [{ network: "app" }], dns: ["127.0.0.77"] });
        const gw = r.endpoints[0]!.gateway;
        expect(readFileSync(r.resolvConfFile, "utf8")).toStartWith(`nameserver ${gw}\n`); // still the embedded resolver
        // asynchronously: the fake upstream lives in this process's event loop
        const ask = async (name: string) => {
          const p = Bun.spawn(["ip", "netns", "exec", c.name, "timeout", "3", "busybox", "nslookup", "-type=a", name, gw], { stdout: "pipe", stderr: "ignore" });
          const out = await new Response(p.stdout).text();
          return [...(out.split("Name:")[1] ?? "").matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]);
        };
        expect(await ask("upstream.test")).toEqual(["203.0.113.7"]);
        expect(await ask("db")).toEqual([lab.net.ctx.store.endpoints({ container: "dbcontainer0001" })[0]!.ip]); // members: answered locally
      } finally {
        upstream.close();
      }
    });
  });

  describe("published ports", () => {
    test("answer from the host on 127.0.0.1 (fixed and random host port); a port in use is refused", async () => {
      const c = lab.netns("pub");
      const r = await lab.net.attach({
        containerId: "pubcontainer001", netnsPath: c.path,
        ports: [{ hostIp: "127.0.0.1", hostPort: 0, containerPort: 8080, proto: "tcp" }, { hostIp: "", hostPort: 38181, containerPort: 8080, proto: "tcp" }],
      });
      await lab.server(c.name, 8080, "hello-from-container");
      const random = r.ports[0]!.hostPort;
      expect(random).toBeGreaterThan(1023);
      expect(lab.net.portLines("pubcontainer001").sort()).toEqual(["8080/tcp -> 0.0.0.0:38181", `8080/tcp -> 127.0.0.1:${random}`]);
      expect(lab.connect(undefined, "127.0.0.1", random)).toBe("hello-from-container");
      expect(lab.connect(undefined, "127.0.0.1", 38181)).toBe("hello-from-container");
      // from another container, through a host address: on the same bridge (hairpin) and from
      // another network; both are masqueraded so the answer comes back the way it went
      const same = lab.netns("hp1"), other = lab.netns("hp2");
      const rs = await lab.net.attach({ containerId: "hairpin00001", netnsPath: same.path });
      const ro = await lab.net.attach({ containerId: "hairpin00002", netnsPath: other.path, networks: [{ network: "app" }] });
      expect(lab.connect(same.name, rs.endpoints[0]!.gateway, 38181)).toBe("hello-from-container");
      expect(lab.connect(other.name, ro.endpoints[0]!.gateway, 38181)).toBe("hello-from-container");
      // but not directly: the networks stay isolated
      expect(lab.connect(other.name, r.endpoints[0]!.ip, 8080)).toBe("");

      // another container, same host port: refused, and nothing of it is left
      const d = lab.netns("pub2");
      await expect(lab.net.attach({ containerId: "pubcontainer002", netnsPath: d.path, ports: [{ hostIp: "", hostPort: 38181, containerPort: 80, proto: "tcp" }] })).rejects.toThrow("0.0.0.0:38181/tcp: the port is already in use");
      // a port a host process listens on: refused too
      const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      await expect(lab.net.attach({ containerId: "pubcontainer002", netnsPath: d.path, ports: [{ hostIp: "", hostPort: listener.port, containerPort: 80, proto: "tcp" }] })).rejects.toThrow("already in use");
      listener.stop(true);
      expect(lab.net.ctx.store.endpoints({ container: "pubcontainer002" })).toEqual([]);
      expect(lab.exec(d.name, ["ip", "-o", "link"]).stdout).not.toContain("eth0");

      await lab.net.detach("pubcontainer001");
      expect(lab.connect(undefined, "127.0.0.1", 38181)).toBe("");
      expect(lab.hasDnatRules()).toBe(false);
    });
  });

  describe("published UDP port", () => {
    test("a datagram to 127.0.0.1:HOSTPORT/udp reaches the container and the answer comes back", async () => {
      const c = lab.netns("udp");
      const r = await lab.net.attach({ containerId: "udpcontainer01", netnsPath: c.path, ports: [{ hostIp: "127.0.0.1", hostPort: 0, containerPort: 5300, proto: "udp" }] });
      const echo = Bun.spawn(["ip", "netns", "exec", c.name, process.execPath, "-e", "await Bun.udpSocket({ port: 5300, socket: { data(s, d, p, a) { s.send('pong:' + d, p, a) } } }); console.log('up')"], { stdout: "pipe" });
      try {
        await echo.stdout.getReader().read(); // "up": it listens
        const sock = await Bun.udpSocket({});
        const got = await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve(""), 2000);
          sock.reload({ socket: { data: (_s, d) => (clearTimeout(timer), resolve(Buffer.from(d).toString())) } });
          sock.send("ping", r.ports[0]!.hostPort, "127.0.0.1");
        });
        sock.close();
        expect(got).toBe("pong:ping");
      } finally {
        echo.kill();
        await lab.net.detach("udpcontainer01");
      }
    });
  });

  describe("outside access, --internal and isolation", () => {
    // A fake "outside" host: a namespace behind its own veth, 198.51.100.0/24 (TEST-NET-2), routed
    // by the host like any upstream network would be.
    let outside: { name: string };
    const host = `nsbto${process.pid % 100000}`;
    afterAll(() => void sh(["ip", "link", "del", host]));
    beforeAll(async () => {
      outside = lab.netns("out");
      expect(sh(["ip", "link", "add", host, "type", "veth", "peer", "name", "up0", "netns", outside.name]).code).toBe(0);
      sh(["ip", "addr", "add", "198.51.100.1/24", "dev", host]);
      sh(["ip", "link", "set", host, "up"]);
      lab.exec(outside.name, ["sh", "-c", "ip addr add 198.51.100.2/24 dev up0 && ip link set up0 up && ip link set lo up"]);
      await lab.server(outside.name, 9000, "outside");
    });

    test("a published port answers a client on another host (DNAT), and only on the address it was bound to", async () => {
      const c = lab.netns("dnat");
      await lab.net.attach({
        containerId: "dnatcontainer01", netnsPath: c.path,
        ports: [{ hostIp: "", hostPort: 38282, containerPort: 8080, proto: "tcp" }, { hostIp: "127.0.0.1", hostPort: 38283, containerPort: 8080, proto: "tcp" }],
      });
      await lab.server(c.name, 8080, "hello-outside");
      expect(lab.connect(outside.name, "198.51.100.1", 38282)).toBe("hello-outside");
      expect(lab.connect(outside.name, "198.51.100.1", 38283)).toBe(""); // bound to 127.0.0.1 only
      await lab.net.detach("dnatcontainer01");
    });

    test("a container on a normal network reaches outside, masqueraded as the host", async () => {
      const c = lab.netns("norm");
      await lab.net.attach({ containerId: "normcontainer01", netnsPath: c.path, networks: [{ network: "app" }] });
      // The outside has no route to the container's subnet, so an answer proves the masquerade.
      expect(lab.exec(outside.name, ["ip", "-4", "route"]).stdout.trim()).toBe("198.51.100.0/24 dev up0 proto kernel scope link src 198.51.100.2");
      expect(lab.connect(c.name, "198.51.100.2", 9000)).toBe("outside");
      expect(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim()).toBe("1");
    });

    test("an --internal network has no way out, but its members talk to each other", async () => {
      lab.net.createNetwork({ name: "vault", internal: true });
      const a = lab.netns("ia"), b = lab.netns("ib");
      const ra = await lab.net.attach({ containerId: "internalcont0a", name: "ia", netnsPath: a.path, networks: [{ network: "vault" }], filesDir: a.files });
      await lab.net.attach({ containerId: "internalcont0b", name: "ib", netnsPath: b.path, networks: [{ network: "vault" }], filesDir: b.files });
      expect(ra.endpoints[0]!.gateway).toBeTruthy();
      expect(lab.exec(a.name, ["ip", "route"]).stdout).not.toContain("default");
      expect(lab.connect(a.name, "198.51.100.2", 9000)).toBe("");
      // even with a default route added by hand, the forward chain drops it
      lab.exec(a.name, ["ip", "route", "add", "default", "via", ra.endpoints[0]!.gateway]);
      expect(lab.connect(a.name, "198.51.100.2", 9000)).toBe("");
      await lab.server(b.name, 7000, "inside");
      expect(lab.connect(a.name, "ib", 7000)).toBe("inside");
      // names outside the network are refused by the resolver itself: nothing is forwarded
      const r = lab.exec(a.name, ["timeout", "3", "busybox", "nslookup", "example.com", ra.endpoints[0]!.gateway]);
      expect(r.stdout + r.stderr).toContain("REFUSED");
    });

    test("two networks are isolated from each other", async () => {
      lab.net.createNetwork({ name: "other" });
      const x = lab.netns("x"), y = lab.netns("y");
      await lab.net.attach({ containerId: "isolatedcont0x", netnsPath: x.path, networks: [{ network: "other" }] });
      const ry = await lab.net.attach({ containerId: "isolatedcont0y", netnsPath: y.path, networks: [{ network: "app" }] });
      await lab.server(y.name, 7100, "y");
      const z = lab.netns("z");
      await lab.net.attach({ containerId: "isolatedcont0z", netnsPath: z.path, networks: [{ network: "app" }] });
      expect(lab.connect(z.name, ry.endpoints[0]!.ip, 7100)).toBe("y"); // same network: yes
      expect(lab.connect(x.name, ry.endpoints[0]!.ip, 7100)).toBe(""); // other network: no
      // nor may it use the other network's resolver to learn its members
      expect(nslookup(z.name, "isolatedcont", ry.endpoints[0]!.gateway).ok).toBe(true);
      expect(nslookup(x.name, "isolatedcont", ry.endpoints[0]!.gateway, 1).ok).toBe(false);
    });
  });

  test("one resolver process serves every user network of the root", () => {
    expect(lab.net.listNetworks().filter((n) => !n.isDefault).length).toBeGreaterThanOrEqual(3);
    expect(lab.resolverProcesses()).toHaveLength(1);
  });

  test("nothing is left after every container is detached and every network removed", async () => {
    await lab.net.reconcile({ liveContainers: new Set() });
    await lab.net.removeAllNetworks();
    expect(lab.leftovers()).toEqual([]);
  });
}
