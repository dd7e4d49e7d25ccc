// `nsbox ns`, `nsbox ns ls` and `nsbox ns graph` on the real host, side by side with util-linux's
// lsns. The processes in new namespaces are started with util-linux's unshare/nsenter so this file
// tests only the reading and analysis side.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inode, nsbox, run, Sleeper } from "./ns-util.ts";

let db: Sleeper, web: Sleeper, dbPid: number, webPid: number;
const root = mkdtempSync(join(tmpdir(), "nsbox-ns-show-"));
const env = { NSBOX_RUNTIME_ROOT: join(root, "runtime") };

beforeAll(async () => {
  // db: own net, uts, ipc. web: joins db's network, own mnt/uts and PID namespace (like docker's
  // --net=container:db).
  db = new Sleeper(["unshare", "--net", "--uts", "--ipc", "--fork", "sleep", "60"]);
  dbPid = await db.leaf();
  web = new Sleeper(["nsenter", `--net=/proc/${dbPid}/ns/net`, "unshare", "--mount", "--uts", "--pid", "--fork", "sleep", "61"]);
  webPid = await web.leaf();
  for (const [id, pid] of [["db", dbPid], ["web", webPid]] as const) {
    mkdirSync(join(env.NSBOX_RUNTIME_ROOT, id), { recursive: true });
    writeFileSync(join(env.NSBOX_RUNTIME_ROOT, id, "state.json"), JSON.stringify({ id, pid, status: "running" }));
  }
});

afterAll(() => {
  db?.kill();
  web?.kill();
  rmSync(root, { recursive: true, force: true });
});

type LsnsRow = { ns: number; type: string; nprocs: number; pid: number; user: string; command: string };

describe("nsbox ns ls agrees with lsns", () => {
  test("same namespaces with the same process counts", () => {
    // lsns nests a namespace under its parent process's one ("children"); flatten the tree.
    const flatten = (rows: (LsnsRow & { children?: LsnsRow[] })[]): LsnsRow[] => rows.flatMap((n) => [n, ...flatten(n.children ?? [])]);
    const theirs = flatten(JSON.parse(run(["lsns", "--json"]).stdout).namespaces);
    const r = nsbox(["ns", "ls", "--json"], env);
    expect(r.stderr).toBe("");
    const ours = JSON.parse(r.stdout).namespaces as (LsnsRow & { container: string | null })[];
    const key = (n: LsnsRow) => `${n.type}:${n.ns}`;
    const theirMap = new Map(theirs.map((n) => [key(n), n]));
    const ourMap = new Map(ours.map((n) => [key(n), n]));
    // Namespaces that exist in only one listing must belong to processes that came or went
    // between the two runs (each tool also sees itself): their process is gone now.
    for (const [k, n] of [...theirMap].filter(([k]) => !ourMap.has(k)).concat([...ourMap].filter(([k]) => !theirMap.has(k)))) {
      expect({ k, alive: existsSync(`/proc/${n.pid}`) && n.nprocs > 1 }).toEqual({ k, alive: false });
    }
    // The namespaces of our test processes: exact match on every lsns column.
    for (const [pid, types] of [[dbPid, ["net", "uts", "ipc"]], [webPid, ["mnt", "uts", "pid"]]] as const) {
      for (const type of types) {
        const k = `${type}:${inode(pid, type)}`;
        const { ns, nprocs, pid: low, user, command } = theirMap.get(k)!;
        expect(ourMap.get(k)).toMatchObject({ ns, type, nprocs, pid: low, user, command });
      }
    }
    // The host's namespaces: same lowest PID and command; counts within the churn of other
    // processes on the machine (other tests run in parallel).
    const hostNet = `net:${inode("self", "net")}`;
    expect(ourMap.get(hostNet)!.pid).toBe(theirMap.get(hostNet)!.pid);
    expect(Math.abs(ourMap.get(hostNet)!.nprocs - theirMap.get(hostNet)!.nprocs)).toBeLessThan(20);
  });

  test("owning containers come from the runtime's state dirs", () => {
    const ours = JSON.parse(nsbox(["ns", "ls", "--json"], env).stdout).namespaces as { ns: number; type: string; container: string | null; containers: string[] }[];
    const net = ours.find((n) => n.type === "net" && n.ns === inode(dbPid, "net"))!;
    expect(net.container).toBe("db");
    expect(net.containers).toEqual(["db", "web"]);
    expect(ours.find((n) => n.type === "pid" && n.ns === inode(webPid, "pid"))!.container).toBe("web");
    const text = nsbox(["ns", "ls", "-t", "pid"], env).stdout;
    expect(text).toMatch(new RegExp(`${inode(webPid, "pid")} pid\\s+1\\s+${webPid} root\\s+web\\s+sleep 61`));
  });
});

describe("nsbox ns TARGET...", () => {
  test("web and db: net shared, uts distinct (by container name and by PID)", () => {
    for (const args of [["web", "db"], [String(webPid), String(dbPid)]]) {
      const r = nsbox(["ns", ...args], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`net:    shared (${inode(dbPid, "net")})`);
      expect(r.stdout).toMatch(/uts:\s+distinct/);
      expect(r.stdout).toMatch(/mnt:\s+distinct/);
      expect(r.stdout).toContain(`user:   shared (${inode("self", "user")})`);
    }
    const json = JSON.parse(nsbox(["ns", "--json", "web", "db"], env).stdout);
    const web = json.targets[0];
    expect(web.namespaces.find((n: { type: string }) => n.type === "net").sharedWith.containers).toEqual(["db"]);
    expect(json.comparison.find((c: { type: string }) => c.type === "pid").verdict).toBe("distinct");
  });

  test("bad targets: one clear line, non-zero", () => {
    for (const [arg, msg] of [["999999999", "no such process: 999999999"], ["nosuchthing", "no such container or process: nosuchthing"]]) {
      const r = nsbox(["ns", arg], env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toBe(`nsbox: ${msg}\n`);
    }
  });
});

describe("nsbox ns graph", () => {
  test("SVG renders to a PNG; dot and html are written to files", () => {
    const svg = join(root, "ns.svg");
    expect(nsbox(["ns", "graph", "-o", svg], env).code).toBe(0);
    const text = Bun.file(svg).size;
    expect(text).toBeGreaterThan(1000);
    const svgText = readFileSync(svg, "utf8");
    expect(svgText).toContain(">web<");
    expect(svgText).toContain(`>${inode(dbPid, "net")}</text>`);
    if (Bun.which("rsvg-convert")) {
      const png = join(root, "ns.png");
      const r = run(["rsvg-convert", svg, "-o", png]);
      expect(r.stderr).toBe("");
      expect(Bun.file(png).size).toBeGreaterThan(5000);
    }
    expect(nsbox(["ns", "graph", "web", "-o", join(root, "ns.dot")], env).code).toBe(0);
    expect(readFileSync(join(root, "ns.dot"), "utf8")).toMatch(/^digraph namespaces/);
    expect(nsbox(["ns", "graph", "--format", "html", "-o", join(root, "ns.html")], env).code).toBe(0);
    const bad = nsbox(["ns", "graph", "--format", "png"], env);
    expect(bad.stderr).toBe("nsbox: unknown graph format 'png' (expected svg, dot or html)\n");
  });
});
