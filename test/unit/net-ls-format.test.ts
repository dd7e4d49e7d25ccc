// `network ls` as docker prints it: the four columns, the --format fields, moby's filter rules, name order.
import { expect, test } from "bun:test";
import { byName, goTimeString, lsFields, lsTableRows, networkLsFilter, type ListedNetwork } from "../../src/net/ls-format.ts";
import type { NetworkRow } from "../../src/net/store.ts";
import { table } from "../../src/image/cli/format.ts";

const row = (name: string, o: Partial<NetworkRow> = {}): NetworkRow => ({
  id: `${name.length}`.padEnd(64, name === "bridge" ? "a" : "b"), name, subnet: "10.1.0.0/24", gateway: "10.1.0.1", bridge: "nsb0",
  internal: false, isDefault: name === "bridge", created: Date.UTC(2024, 4, 1, 10, 20, 30, 120), labels: {}, ...o,
});
const keep = (filters: string[], list: ListedNetwork[]) => list.filter(networkLsFilter(filters, (m) => new Error(m))).map((n) => n.row.name);

test("table: NETWORK ID (12 hex), NAME, DRIVER, SCOPE; --no-trunc the full id", () => {
  const rows = lsTableRows([row("bridge")], false);
  expect(rows).toEqual([["NETWORK ID", "NAME", "DRIVER", "SCOPE"], ["6aaaaaaaaaaa", "bridge", "bridge", "local"]]);
  expect(lsTableRows([row("bridge")], true)[1]![0]).toHaveLength(64);
  // docker's tabwriter (min width 10, padding 3)
  expect(table(rows, 10)).toBe("NETWORK ID     NAME      DRIVER    SCOPE\n6aaaaaaaaaaa   bridge    bridge    local");
});

test("--format fields: labels k=v joined by commas, CreatedAt as Go's time.String, Subnet kept", () => {
  expect(lsFields(row("app", { internal: true, labels: { a: "1", b: "" } }), false)).toEqual({
    ID: "3bbbbbbbbbbb", Name: "app", Driver: "bridge", Scope: "local", IPv6: false, Internal: true, Labels: "a=1,b=", CreatedAt: "2024-05-01 10:20:30.12 +0000 UTC", Subnet: "10.1.0.0/24",
  });
  expect(goTimeString(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe("2024-01-02 03:04:05 +0000 UTC");
});

test("filters: name/id as regexps, driver, type, dangling, label; bad values are errors", () => {
  const list: ListedNetwork[] = [
    { row: row("bridge"), containers: 0 },
    { row: row("app", { labels: { env: "prod" } }), containers: 2 },
    { row: row("spare"), containers: 0 },
  ];
  expect(keep(["name=^ap"], list)).toEqual(["app"]);
  expect(keep(["name=app", "name=spare"], list)).toEqual(["app", "spare"]);
  expect(keep(["id=6aaa"], list)).toEqual(["bridge"]);
  expect(keep(["driver=bridge"], list)).toHaveLength(3);
  expect(keep(["driver=bri"], list)).toEqual([]);
  expect(keep(["type=builtin"], list)).toEqual(["bridge"]);
  expect(keep(["type=custom"], list)).toEqual(["app", "spare"]);
  expect(keep(["dangling=true"], list)).toEqual(["spare"]);
  expect(keep(["dangling=0"], list)).toEqual(["bridge", "app"]);
  expect(keep(["label=env=prod"], list)).toEqual(["app"]);
  expect(() => keep(["type=user"], list)).toThrow("invalid filter: 'type'='user'");
  expect(() => keep(["dangling=maybe"], list)).toThrow("invalid filter: 'dangling'='maybe'");
  expect(() => keep(["subnet=10.0.0.0/8"], list)).toThrow("invalid filter 'subnet'");
});

test("sorted by name, naturally", () => {
  expect(["net10", "bridge", "net2", "app"].map((n) => row(n)).sort(byName).map((r) => r.name)).toEqual(["app", "bridge", "net2", "net10"]);
});

test("host and none: their own driver, no subnet, builtin and never dangling", () => {
  const host = { id: "c".repeat(64), name: "host", driver: "host", internal: false, created: 0, labels: {} };
  const none = { ...host, id: "d".repeat(64), name: "none", driver: "null" };
  expect(lsTableRows([host, none], false).slice(1)).toEqual([["cccccccccccc", "host", "host", "local"], ["dddddddddddd", "none", "null", "local"]]);
  expect(lsFields(none, false).Subnet).toBe("");
  const list: ListedNetwork[] = [{ row: host, containers: 0 }, { row: none, containers: 0 }, { row: row("spare"), containers: 0 }];
  expect(keep(["driver=null"], list)).toEqual(["none"]);
  expect(keep(["type=builtin"], list)).toEqual(["host", "none"]);
  expect(keep(["dangling=true"], list)).toEqual(["spare"]);
});
