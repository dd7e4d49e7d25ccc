import { describe, expect, test } from "bun:test";
import { attributeProcesses, compareTargets, describeTarget, listNamespaces } from "../../src/ns/analysis.ts";
import { comparisonText, formatNamespaceList, formatTargetView } from "../../src/ns/format-text.ts";
import { namespaceListJson, targetsJson } from "../../src/ns/format-json.ts";
import { parseNsLink, parseStat } from "../../src/ns/proc-reader.ts";
import { resolveTarget } from "../../src/ns/targets.ts";
import { fixture, HOST } from "./ns-fixture.ts";

const s = fixture();
const alive = (pid: number) => s.processes.some((p) => p.pid === pid);

describe("attribution of processes to containers", () => {
  const owners = attributeProcesses(s);
  test("init and descendants belong to their container", () => {
    expect(owners.get(100)?.id).toBe("db");
    expect(owners.get(101)?.id).toBe("db");
    expect(owners.get(201)?.name).toBe("web");
  });
  test("a process exec'd into a container's PID namespace belongs to it", () => {
    expect(owners.get(300)?.name).toBe("web");
  });
  test("host processes and the monitor belong to none", () => {
    for (const pid of [1, 2, 50, 400]) expect(owners.has(pid)).toBe(false);
  });
});

describe("ns ls", () => {
  const rows = listNamespaces(s);
  const row = (type: string, inode: number) => rows.find((r) => r.type === type && r.inode === inode)!;
  test("one row per namespace, sorted by inode like lsns", () => {
    expect(rows.map((r) => r.inode)).toEqual([...rows.map((r) => r.inode)].sort((a, b) => a - b));
    expect(rows.length).toBe(8 + 3 + 3 + 1); // host, db's net/ipc/uts, web's mnt/pid/uts, pid 400's mnt
  });
  test("nprocs, lowest pid and its command", () => {
    expect(row("net", 2003)).toMatchObject({ nprocs: 5, pid: 100, command: "redis-server", pids: [100, 101, 200, 201, 300] });
    expect(row("mnt", HOST.mnt).nprocs).toBe(5); // 1, 2, 50 and db (no mount ns of its own); not 400, not web
    expect(row("user", HOST.user).nprocs).toBe(9);
  });
  test("owner: the earliest-started container in it; never for the host's namespaces", () => {
    expect(row("net", 2003).owner).toBe("db");
    expect(row("net", 2003).containers).toEqual(["db", "web"]);
    expect(row("pid", 3002).owner).toBe("web");
    expect(row("user", HOST.user).owner).toBeUndefined();
    expect(row("user", HOST.user).host).toBe(true);
    expect(row("mnt", 4001).owner).toBeUndefined();
  });
  test("text has lsns's columns plus CONTAINER; JSON keeps lsns's keys", () => {
    const text = formatNamespaceList(rows);
    expect(text[0]).toMatch(/^\s*NS TYPE\s+NPROCS\s+PID USER\s+CONTAINER COMMAND$/);
    expect(text.find((l) => l.includes("2003"))).toMatch(/2003 net\s+5\s+100 root db\s+redis-server/);
    const json = namespaceListJson(rows).namespaces.find((n) => n.ns === 2003)!;
    expect(json).toMatchObject({ ns: 2003, type: "net", nprocs: 5, pid: 100, user: "root", command: "redis-server", container: "db" });
  });
});

describe("ns TARGET...", () => {
  const web = resolveTarget("web", s.containers, alive);
  const db = resolveTarget("db", s.containers, alive);
  test("targets: container by name, by ID prefix, PID; clear errors otherwise", () => {
    expect(resolveTarget("c0ffee", s.containers, alive).label).toBe("web");
    expect(resolveTarget("400", s.containers, alive)).toEqual({ label: "400", pid: 400 });
    expect(() => resolveTarget("999", s.containers, alive)).toThrow("no such process: 999");
    expect(() => resolveTarget("nope", s.containers, alive)).toThrow("no such container or process: nope");
  });
  test("a container's namespaces say with whom they are shared", () => {
    const v = describeTarget(s, web);
    const net = v.namespaces.find((n) => n.type === "net")!;
    expect(net).toMatchObject({ inode: 2003, host: false, otherContainers: ["db"], otherPids: [] });
    const pid = v.namespaces.find((n) => n.type === "pid")!;
    expect(pid).toMatchObject({ otherContainers: [], otherPids: [] }); // 300 is web's own
    expect(formatTargetView(v).join("\n")).toMatch(/net\s+2003\s+container db/);
    expect(formatTargetView(v).join("\n")).toMatch(/pid\s+3002\s+not shared/);
  });
  test("a plain process shares with other plain processes by PID", () => {
    const v = describeTarget(s, resolveTarget("50", s.containers, alive));
    const mnt = v.namespaces.find((n) => n.type === "mnt")!;
    expect(mnt.host).toBe(true);
    expect(mnt.otherPids).toEqual([1, 2]);
  });
  test("web vs db: net shared, the others (but host ones) distinct", () => {
    const cmp = compareTargets([describeTarget(s, web), describeTarget(s, db)]);
    const by = Object.fromEntries(cmp.map((c) => [c.type, comparisonText(c)]));
    expect(by.net).toBe("shared (2003)");
    expect(by.uts).toBe("distinct");
    expect(by.mnt).toBe("distinct");
    expect(by.ipc).toBe("distinct");
    expect(by.user).toBe(`shared (${HOST.user})`);
  });
  test("three targets: partly shared names the groups", () => {
    const p400 = resolveTarget("400", s.containers, alive);
    const cmp = compareTargets([web, db, p400].map((t) => describeTarget(s, t)));
    expect(comparisonText(cmp.find((c) => c.type === "net")!)).toBe(`partly shared: web, db (2003); 400 (${HOST.net})`);
    const json = targetsJson([describeTarget(s, web)], cmp);
    expect(json.targets[0]).toMatchObject({ target: "web", pid: 200, container: "web", containerId: "c0ffee00112233445566" });
    expect(json.comparison!.find((c) => c.type === "user")).toMatchObject({ verdict: "shared", inode: HOST.user });
  });
});

describe("/proc parsing", () => {
  test("ns links and stat with odd command names", () => {
    expect(parseNsLink("net:[4026531833]")).toEqual({ type: "net", inode: 4026531833 });
    expect(parseNsLink("garbage")).toBeUndefined();
    expect(parseStat("42 (a (b) c) S 7 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0")).toEqual({ comm: "a (b) c", ppid: 7, start: 12345 });
  });
});
