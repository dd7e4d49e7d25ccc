// Pure planning code of the networking layer: addresses, subnets, port specs, IPAM, files,
// /proc parsers. No root, no kernel.
import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/common/errors.ts";
import { defaultPool, formatSubnet, overlaps, parseIp, parseProcRoutes, parseSubnet, pickSubnet } from "../../src/net/ipv4.ts";
import { bindingsClash, formatBinding, parsePortSpec, publishAll } from "../../src/net/ports.ts";
import { macFor, pickIp } from "../../src/net/ipam.ts";
import { parseExtraHost, parseResolvConf, renderHosts, renderResolvConf } from "../../src/net/files.ts";
import { listenerClash, parseProcSockets } from "../../src/net/host-ports.ts";
import { bridgeBatch, hostVethBatch, insideBatch } from "../../src/net/links.ts";
import { kernelNames } from "../../src/net/context.ts";

describe("ipv4", () => {
  test("parses and rejects addresses", () => {
    expect(parseIp("10.1.2.3")).toBe(0x0a010203);
    expect(parseIp("255.255.255.255")).toBe(0xffffffff);
    expect(parseIp("256.1.1.1")).toBeUndefined();
    expect(parseIp("1.2.3")).toBeUndefined();
  });
  test("subnets: host bits, size, garbage are clear errors", () => {
    expect(formatSubnet(parseSubnet("10.88.0.0/16"))).toBe("10.88.0.0/16");
    expect(() => parseSubnet("10.88.0.1/16")).toThrow("host bits are set (did you mean 10.88.0.0/16?)");
    expect(() => parseSubnet("10.88.0.0/31")).toThrow(UserError);
    expect(() => parseSubnet("nope")).toThrow("expected an IPv4 CIDR");
  });
  test("overlap", () => {
    expect(overlaps(parseSubnet("10.0.0.0/8"), parseSubnet("10.5.0.0/16"))).toBe(true);
    expect(overlaps(parseSubnet("10.0.0.0/16"), parseSubnet("10.1.0.0/16"))).toBe(false);
  });
  test("/proc/net/route is little-endian hex", () => {
    const text = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n" +
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
      "br0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
    expect(parseProcRoutes(text).map(formatSubnet)).toEqual(["0.0.0.0/0", "192.0.2.0/24", "172.17.0.0/16"]);
  });
  test("subnet choice skips routes and taken subnets but not the default route", () => {
    const routes = [{ base: 0, prefix: 0 }, parseSubnet("172.17.5.0/24")]; // default route + a clash
    const picked = pickSubnet(defaultPool(), routes, [parseSubnet("172.18.0.0/16")]);
    expect(formatSubnet(picked!)).toBe("172.19.0.0/16");
  });
});

describe("port specs", () => {
  test("docker's forms", () => {
    expect(parsePortSpec("80")).toEqual([{ hostIp: "", hostPort: 0, containerPort: 80, proto: "tcp" }]);
    expect(parsePortSpec("8080:80")).toEqual([{ hostIp: "", hostPort: 8080, containerPort: 80, proto: "tcp" }]);
    expect(parsePortSpec("127.0.0.1:8080:80/udp")).toEqual([{ hostIp: "127.0.0.1", hostPort: 8080, containerPort: 80, proto: "udp" }]);
    expect(parsePortSpec("127.0.0.1::80")).toEqual([{ hostIp: "127.0.0.1", hostPort: 0, containerPort: 80, proto: "tcp" }]);
    expect(parsePortSpec("0.0.0.0:53:53/udp")[0]!.hostIp).toBe("");
    expect(parsePortSpec("8000-8002:80-82").map((p) => `${p.hostPort}:${p.containerPort}`)).toEqual(["8000:80", "8001:81", "8002:82"]);
    expect(publishAll(["80/tcp", "53/udp"]).map((p) => `${p.hostPort}/${p.containerPort}/${p.proto}`)).toEqual(["0/80/tcp", "0/53/udp"]);
  });
  test("bad specs name what is wrong", () => {
    expect(() => parsePortSpec("80/sctp")).toThrow("protocol must be tcp or udp");
    expect(() => parsePortSpec("70000")).toThrow("bad container port");
    expect(() => parsePortSpec("1.2.3:80:80")).toThrow("bad host IP");
    expect(() => parsePortSpec("8000-8001:80-82")).toThrow("ranges differ in size");
    expect(() => parsePortSpec("[::1]:80:80")).toThrow("IPv6");
    expect(() => parsePortSpec("a:b:c:d")).toThrow("expected [IP:][HOSTPORT:]CTRPORT");
  });
  test("clashes: same proto and port, any-address covers all", () => {
    const any = { hostIp: "", hostPort: 80, containerPort: 1, proto: "tcp" as const };
    expect(bindingsClash(any, { ...any, hostIp: "127.0.0.1" })).toBe(true);
    expect(bindingsClash({ ...any, hostIp: "127.0.0.2" }, { ...any, hostIp: "127.0.0.1" })).toBe(false);
    expect(bindingsClash(any, { ...any, proto: "udp" })).toBe(false);
    expect(formatBinding({ ...any, hostPort: 32768, containerIp: "x" })).toBe("1/tcp -> 0.0.0.0:32768");
  });
});

describe("ipam", () => {
  test("lowest free address, gateway excluded, requested checked", () => {
    expect(pickIp("10.0.0.0/24", "10.0.0.1", [])).toBe("10.0.0.2");
    expect(pickIp("10.0.0.0/24", "10.0.0.1", ["10.0.0.2", "10.0.0.4"])).toBe("10.0.0.3");
    expect(pickIp("10.0.0.0/24", "10.0.0.1", [], "10.0.0.9")).toBe("10.0.0.9");
    expect(() => pickIp("10.0.0.0/24", "10.0.0.1", [], "10.0.1.9")).toThrow("not a host address");
    expect(() => pickIp("10.0.0.0/24", "10.0.0.1", [], "10.0.0.255")).toThrow("not a host address");
    expect(() => pickIp("10.0.0.0/24", "10.0.0.1", ["10.0.0.9"], "10.0.0.9")).toThrow("already in use");
    expect(() => pickIp("10.0.0.0/30", "10.0.0.1", ["10.0.0.2"])).toThrow("no free address");
  });
  test("MAC from the address", () => {
    expect(macFor("172.17.0.2")).toBe("02:42:ac:11:00:02");
  });
});

describe("container files", () => {
  test("hosts with extra entries and host-gateway", () => {
    const extra = [parseExtraHost("db:10.0.0.5", "172.17.0.1"), parseExtraHost("gw:host-gateway", "172.17.0.1")];
    const text = renderHosts({ ip: "172.17.0.2", names: ["abc", "web"] }, extra);
    expect(text).toContain("127.0.0.1\tlocalhost\n");
    expect(text).toContain("10.0.0.5\tdb\n172.17.0.1\tgw\n172.17.0.2\tabc web\n");
    expect(() => parseExtraHost("nope", undefined)).toThrow("expected NAME:IP");
  });
  test("resolv.conf: embedded resolver, --dns, host servers minus loopback, fallback", () => {
    const host = parseResolvConf("# c\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example.org\noptions edns0\n");
    const none = { dns: [], dnsSearch: [], dnsOptions: [] };
    expect(renderResolvConf({ ...none, embeddedDns: "172.18.0.1" }, host)).toBe("nameserver 172.18.0.1\nsearch example.org\noptions ndots:0\n");
    expect(renderResolvConf({ ...none, dns: ["9.9.9.9"] }, host)).toBe("nameserver 9.9.9.9\nsearch example.org\noptions edns0\n");
    expect(renderResolvConf(none, host)).toBe("nameserver 10.0.0.2\nsearch example.org\noptions edns0\n");
    expect(renderResolvConf(none, parseResolvConf("nameserver 127.0.0.53\n"))).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
});

describe("/proc/net sockets", () => {
  const tcp = "  sl  local_address rem_address   st\n   0: 0100007F:1F90 00000000:0000 0A 0\n   1: 00000000:0016 00000000:0000 0A 0\n   2: 0100007F:9C40 0100007F:1F90 01 0\n";
  test("listening TCP sockets only", () => {
    expect(parseProcSockets(tcp, "tcp", false)).toEqual([{ ip: "127.0.0.1", port: 8080 }, { ip: "0.0.0.0", port: 22 }]);
  });
  test("a listener on any address clashes with every host IP; a specific one only with its own", () => {
    const l = parseProcSockets(tcp, "tcp", false);
    expect(listenerClash(l, "", 8080)).toBe(true);
    expect(listenerClash(l, "127.0.0.2", 8080)).toBe(false);
    expect(listenerClash(l, "10.1.1.1", 22)).toBe(true);
    expect(listenerClash(l, "", 40000)).toBe(false);
  });
  test("IPv6 any-address listeners count, v4-mapped ones are read as IPv4", () => {
    const t6 = "sl local\n 0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A\n 1: 0000000000000000FFFF00000100007F:0051 0:0 0A\n";
    expect(parseProcSockets(t6, "tcp", true)).toEqual([{ ip: "::", port: 80 }, { ip: "127.0.0.1", port: 81 }]);
  });
});

describe("ip batches and names", () => {
  test("veth created with its peer inside the netns, configured there", () => {
    const v = { veth: "nsv-0123abcd", bridge: "nsbox0", netns: "/proc/42/ns/net", ifname: "eth0", mac: "02:42:ac:11:00:02", ip: "172.17.0.2", prefix: 16, gateway: "172.17.0.1" };
    expect(hostVethBatch(v)).toBe("link add nsv-0123abcd master nsbox0 up type veth peer name eth0 netns /proc/42/ns/net address 02:42:ac:11:00:02\n");
    expect(insideBatch(v)).toBe("link set lo up\naddr add 172.17.0.2/16 dev eth0\nlink set eth0 up\nroute add default via 172.17.0.1 dev eth0\n");
    expect(insideBatch({ ...v, gateway: undefined })).not.toContain("route");
    expect(bridgeBatch({ bridge: "nsbox0", gateway: "172.17.0.1", prefix: 16 })).toBe("link add nsbox0 type bridge\naddr add 172.17.0.1/16 dev nsbox0\nlink set nsbox0 up\n");
  });
  test("kernel names fit IFNAMSIZ and differ per root", () => {
    const a = kernelNames("/tmp/a"), b = kernelNames("/tmp/b");
    expect(kernelNames("/var/lib/nsbox")).toMatchObject({ table: "nsbox", defaultBridge: "nsbox0" });
    expect(a.table).not.toBe(b.table);
    expect(a.defaultBridge.length).toBeLessThanOrEqual(15);
    expect(a.vethPrefix.length + 8).toBeLessThanOrEqual(15);
  });
});
