// The nftables table rendered from records, and the embedded resolver's DNS packets (pure).
import { describe, expect, test } from "bun:test";
import { renderRuleset } from "../../src/net/ruleset.ts";
import { existingJumps, renderIptables } from "../../src/net/firewall-iptables.ts";
import { buildAnswer, buildQuery, buildResponse, parseAnswer, parseQuery, ptrRecord, RCODE_NXDOMAIN, TYPE_AAAA, TYPE_PTR } from "../../src/net/dns/packet.ts";
import { reverseIp } from "../../src/net/dns/resolver.ts";

const nets = [
  { name: "bridge", bridge: "nsbox0", subnet: "172.17.0.0/16", gateway: "172.17.0.1", internal: false, resolver: false },
  { name: "back", bridge: "nsbr-1", subnet: "172.18.0.0/16", gateway: "172.18.0.1", internal: true, resolver: true },
];

describe("ruleset", () => {
  test("replaces the table atomically and deletes it when no network is left", () => {
    const empty = renderRuleset({ table: "nsbox", networks: [], ports: [] });
    expect(empty).toBe("table ip nsbox {}\ndelete table ip nsbox\n");
    expect(renderRuleset({ table: "nsbox", networks: nets, ports: [] }).startsWith(empty + "table ip nsbox {")).toBe(true);
  });
  test("published ports DNAT for local destinations only, with a host IP when given", () => {
    const text = renderRuleset({
      table: "t", networks: nets,
      ports: [
        { container: "abcdef0123456789", hostIp: "", hostPort: 8080, containerPort: 80, proto: "tcp", containerIp: "172.17.0.2" },
        { container: "abcdef0123456789", hostIp: "127.0.0.1", hostPort: 5353, containerPort: 53, proto: "udp", containerIp: "172.17.0.2" },
      ],
    });
    expect(text).toContain('tcp dport 8080 dnat to 172.17.0.2:80 comment "abcdef012345 80/tcp -> 0.0.0.0:8080"');
    expect(text).toContain("ip daddr 127.0.0.1 udp dport 5353 dnat to 172.17.0.2:53");
    expect(text).toContain("fib daddr type local jump published");
  });
  test("only non-internal networks are masqueraded outbound; internal ones are dropped in forward", () => {
    const text = renderRuleset({ table: "t", networks: nets, ports: [] });
    expect(text).toContain('ip saddr 172.17.0.0/16 oifname != { "nsbox0", "nsbr-1" } masquerade');
    expect(text).not.toContain("ip saddr 172.18.0.0/16 oifname");
    expect(text).toContain('iifname "nsbr-1" drop');
    expect(text).toContain('oifname "nsbr-1" drop');
    expect(text).toContain('iifname { "nsbox0", "nsbr-1" } oifname { "nsbox0", "nsbr-1" } drop comment "isolation between networks"');
    // same-bridge traffic (br_netfilter passes it through forward) is accepted before isolation
    expect(text.indexOf('iifname "nsbox0" oifname "nsbox0" accept')).toBeLessThan(text.indexOf("isolation"));
  });
  test("a resolver is reachable from its own bridge only", () => {
    const text = renderRuleset({ table: "t", networks: nets, ports: [] });
    expect(text).toContain('iifname != { "lo", "nsbr-1" } ip daddr 172.18.0.1 meta l4proto { tcp, udp } th dport 53 drop');
    expect(text).not.toContain("ip daddr 172.17.0.1 meta l4proto");
  });
});

describe("dns packets", () => {
  test("PTR answers carry a name", () => {
    const query = buildQuery(5, "2.0.17.172.in-addr.arpa", TYPE_PTR);
    expect(parseAnswer(buildResponse(query, parseQuery(query)!, 0, [ptrRecord("db.app")]))).toMatchObject({ id: 5, rcode: 0, names: ["db.app"] });
    expect(reverseIp("2.0.17.172.in-addr.arpa")).toBe("172.17.0.2");
    expect(reverseIp("2.0.17.999.in-addr.arpa")).toBeUndefined();
    expect(reverseIp("example.com")).toBeUndefined();
  });
  test("a query round-trips through the parser", () => {
    const q = parseQuery(buildQuery(0x1234, "Web.Example"))!;
    expect(q).toMatchObject({ id: 0x1234, rd: true, name: "web.example", type: 1, klass: 1 });
  });
  test("answers carry A records, or an error code", () => {
    const query = buildQuery(7, "db");
    const q = parseQuery(query)!;
    expect(parseAnswer(buildAnswer(query, q, 0, ["10.0.0.2", "10.0.0.3"]))).toEqual({ id: 7, rcode: 0, ips: ["10.0.0.2", "10.0.0.3"], names: [] });
    expect(parseAnswer(buildAnswer(query, q, RCODE_NXDOMAIN))).toEqual({ id: 7, rcode: 3, ips: [], names: [] });
  });
  test("responses, truncated packets and pointer tricks are not read as queries", () => {
    const query = buildQuery(1, "db", TYPE_AAAA);
    const resp = buildAnswer(query, parseQuery(query)!, 0);
    expect(parseQuery(resp)).toBeUndefined();
    expect(parseQuery(query.subarray(0, 14))).toBeUndefined();
    const evil = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 0, 1, 0, 1]);
    expect(parseQuery(evil)).toBeUndefined();
  });
});

describe("iptables backend", () => {
  const port = { container: "abcdef0123456789", hostIp: "127.0.0.1", hostPort: 8080, containerPort: 80, proto: "tcp" as const, containerIp: "172.17.0.2" };
  test("same rules as the nft table, chains per root, jumps added only when missing", () => {
    const text = renderIptables({ table: "nsbox_ab12", networks: nets, ports: [port] }, existingJumps("*nat\n-A PREROUTING -j NSBOX_AB12-PRE\nCOMMIT\n"));
    expect(text).toContain(":NSBOX_AB12-PUB - [0:0]");
    expect(text).not.toContain("-I PREROUTING 1 -j NSBOX_AB12-PRE"); // already there
    expect(text).toContain("-I OUTPUT 1 -j NSBOX_AB12-OUT");
    expect(text).toContain('-A NSBOX_AB12-PUB -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -m comment --comment "abcdef012345 80/tcp -> 127.0.0.1:8080" -j DNAT --to-destination 172.17.0.2:80');
    expect(text).toContain("-A NSBOX_AB12-POST -s 172.17.0.0/16 -m comment --comment \"outbound bridge\" -j NSBOX_AB12-MASQ");
    expect(text).not.toContain("-s 172.18.0.0/16 -m comment"); // internal: no outbound masquerade
    expect(text).toContain("-A NSBOX_AB12-FWD -i nsbox0 -o nsbr-1 -j DROP");
    expect(text).toContain("-A NSBOX_AB12-FWD -i nsbr-1 -o nsbox0 -j DROP");
    expect(text).toContain("! -i nsbr-1 -d 172.18.0.1/32 -p udp -m udp --dport 53 -j DROP");
    expect(text.match(/^COMMIT$/gm)).toHaveLength(3);
  });
  test("with no network left: jumps deleted, then chains flushed, then deleted", () => {
    const text = renderIptables({ table: "nsbox", networks: [], ports: [] }, existingJumps("*nat\n-A POSTROUTING -j NSBOX-POST\nCOMMIT\n"));
    const nat = text.split("COMMIT")[0]!;
    expect(nat.indexOf("-D POSTROUTING -j NSBOX-POST")).toBeLessThan(nat.indexOf(":NSBOX-POST"));
    expect(nat.lastIndexOf(":NSBOX-")).toBeLessThan(nat.indexOf("-X NSBOX-"));
    expect(nat).not.toContain("-D PREROUTING");
  });
});
