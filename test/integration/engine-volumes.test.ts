// Volumes as docker has them: `volume create|ls|inspect|rm|prune` with docker's output, errors and
// exit codes; metadata in SQLite (labels, created time, anonymous or named; names unique under
// concurrent creates); `-v NAME:/p` recorded too; anonymous volumes (`-v /p`) removed by `rm -v` and
// --rm, never named ones; `rm` refused while any container (running or not) uses a volume; and
// docker's copy-up of the image's files (modes and owners kept) into a fresh volume, not a bind.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { EngineLab } from "./engine-util.ts";

const lab = new EngineLab();
const scratch = mkdtempSync("/tmp/nsbox-vol-test-");
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await lab.destroy();
});

const HEX64 = /^[0-9a-f]{64}$/;
const names = (...filters: string[]) => lab.ok(["volume", "ls", "-q", ...filters.flatMap((f) => ["--filter", f])]).split("\n").filter(Boolean);
const dataDir = (name: string) => `${lab.root}/volumes/${name}/_data`;

test("create, ls, inspect, rm: docker's output and errors", () => {
  expect(lab.ok(["volume", "create", "--label", "env=prod", "--label", "tier", "vt-named"])).toBe("vt-named");
  expect(lab.ok(["volume", "create", "vt-named"])).toBe("vt-named"); // an existing name: returned as is
  const gen = lab.ok(["volume", "create"]);
  expect(gen).toMatch(HEX64);

  const [v] = JSON.parse(lab.ok(["volume", "inspect", "vt-named"]));
  expect(Object.keys(v)).toEqual(["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"]);
  expect(v).toMatchObject({ Driver: "local", Labels: { env: "prod", tier: "" }, Mountpoint: dataDir("vt-named"), Name: "vt-named", Scope: "local" });
  expect(Math.abs(Date.parse(v.CreatedAt) - Date.now())).toBeLessThan(60_000);
  expect(v.CreatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(statSync(v.Mountpoint).isDirectory()).toBe(true);
  // A volume created without a name is anonymous, as moby marks it.
  expect(JSON.parse(lab.ok(["volume", "inspect", gen]))[0].Labels).toEqual({ "com.docker.volume.anonymous": "" });
  expect(lab.ok(["volume", "inspect", "-f", "{{.Driver}} {{.Name}}", "vt-named"])).toBe("local vt-named");

  const table = lab.ok(["volume", "ls"]).split("\n");
  expect(table[0]).toBe("DRIVER    VOLUME NAME");
  expect(table).toContain("local     vt-named");
  expect(names("label=env=prod")).toEqual(["vt-named"]);
  expect(names("name=t-nam")).toEqual(["vt-named"]);
  expect(lab.ok(["volume", "ls", "--format", "{{.Name}}:{{.Labels}}", "--filter", "label=env"])).toBe("vt-named:env=prod,tier=");

  expect(lab.nsbox(["volume", "create", "a/b"])).toMatchObject({
    code: 1,
    stderr: 'nsbox: create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path\n',
  });
  expect(lab.nsbox(["volume", "inspect", "vt-none"])).toMatchObject({ code: 1, stdout: "[]\n", stderr: "nsbox: get vt-none: no such volume\n" });
  expect(lab.nsbox(["volume", "rm", "vt-none"])).toMatchObject({ code: 1, stderr: "nsbox: get vt-none: no such volume\n" });
  expect(lab.nsbox(["volume", "rm", "-f", "vt-none"])).toMatchObject({ code: 0, stdout: "vt-none\n" });
  expect(lab.nsbox(["volume", "rm", "vt-named", gen])).toMatchObject({ code: 0, stdout: `vt-named\n${gen}\n` });
  expect(existsSync(`${lab.root}/volumes/vt-named`)).toBe(false);
  expect(names("name=vt-named")).toEqual([]);
});

test("a volume in use by a container, running or not, is not removed; -v NAME records the volume", () => {
  const id = lab.ok(["create", "--net", "none", "-v", "vt-used:/data", "busybox", "true"]);
  const [v] = JSON.parse(lab.ok(["volume", "inspect", "vt-used"]));
  expect(v).toMatchObject({ Name: "vt-used", Labels: null, Driver: "local" });
  expect(lab.inspect(id).Mounts).toEqual([
    { Type: "volume", Name: "vt-used", Source: dataDir("vt-used"), Destination: "/data", Driver: "local", Mode: "z", RW: true, Propagation: "" },
  ]);
  expect(names("dangling=false")).toContain("vt-used");
  expect(names("dangling=true")).not.toContain("vt-used");
  expect(lab.nsbox(["volume", "rm", "vt-used"])).toMatchObject({ code: 1, stderr: `nsbox: remove vt-used: volume is in use - [${id}]\n` });
  expect(lab.nsbox(["volume", "rm", "-f", "vt-used"]).code).toBe(1); // -f only ignores missing ones
  const runner = lab.ok(["run", "-d", "--net", "none", "-v", "vt-used:/data", "busybox", "sleep", "30"]);
  const both = lab.nsbox(["volume", "rm", "vt-used"]);
  expect(both.code).toBe(1);
  expect(both.stderr.match(/^nsbox: remove vt-used: volume is in use - \[(.*)\]\n$/)![1]!.split(", ").sort()).toEqual([id, runner].sort());
  lab.ok(["rm", "-f", "-v", id, runner]); // -v never takes a named volume
  expect(names("name=vt-used")).toEqual(["vt-used"]);
  expect(names("dangling=true")).toContain("vt-used");
  expect(lab.ok(["volume", "rm", "vt-used"])).toBe("vt-used");
});

test("-v /path: an anonymous volume; rm -v and --rm remove it, plain rm keeps it", async () => {
  const id = lab.ok(["run", "-d", "--net", "none", "-v", "/scratch", "-v", "vt-keep:/keep", "busybox", "sh", "-c", "echo hi > /scratch/f; sleep 30"]);
  const anon = lab.inspect(id).Mounts.find((m: { Destination: string }) => m.Destination === "/scratch");
  expect(anon).toMatchObject({ Type: "volume", Driver: "local", RW: true });
  expect(anon.Name).toMatch(HEX64);
  expect(JSON.parse(lab.ok(["volume", "inspect", anon.Name]))[0].Labels).toEqual({ "com.docker.volume.anonymous": "" });
  lab.ok(["rm", "-f", "-v", id]);
  expect(names()).not.toContain(anon.Name);
  expect(existsSync(`${lab.root}/volumes/${anon.Name}`)).toBe(false);
  expect(names()).toContain("vt-keep");

  const kept = lab.ok(["run", "-d", "--net", "none", "-v", "/scratch", "busybox", "true"]);
  const keptName = lab.inspect(kept).Mounts[0].Name;
  lab.ok(["rm", "-f", kept]);
  expect(names()).toContain(keptName); // without -v it stays (prune takes it later)

  const before = new Set(names());
  expect(lab.ok(["run", "--rm", "--net", "none", "-v", "/scratch", "-v", "vt-keep:/keep", "busybox", "sh", "-c", "echo x > /scratch/y"])).toBe("");
  expect(names().filter((n) => !before.has(n))).toEqual([]);
  // Detached --rm: the monitor's exit command removes the container and its anonymous volume.
  const det = lab.ok(["run", "-d", "--rm", "--net", "none", "-v", "/scratch", "busybox", "sleep", "0.2"]);
  const detName = lab.inspect(det).Mounts[0].Name;
  expect(names()).toContain(detName);
  await lab.until("--rm container removed", () => lab.nsbox(["inspect", det]).code !== 0);
  expect(names()).not.toContain(detName);
  lab.ok(["volume", "rm", "vt-keep", keptName]);
});

test("prune: unused anonymous volumes only, unless -a; asks first; label filters; reclaimed space", () => {
  const anon = lab.ok(["volume", "create"]);
  writeFileSync(`${dataDir(anon)}/blob`, Buffer.alloc(1500));
  lab.ok(["volume", "create", "--label", "keep=yes", "vt-pnamed"]);
  const usedAnon = lab.inspect(lab.ok(["create", "--name", "vt-pruser", "--net", "none", "-v", "/u", "busybox", "true"])).Mounts[0].Name;

  const declined = lab.nsbox(["volume", "prune"], { stdin: "n\n" });
  expect(declined).toMatchObject({ code: 0, stdout: "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] " });
  expect(names()).toContain(anon);

  const r = lab.nsbox(["volume", "prune"], { stdin: "y\n" });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 1.5kB\n`);
  expect(names()).toEqual(expect.arrayContaining(["vt-pnamed", usedAnon]));
  expect(names()).not.toContain(anon);

  expect(lab.nsbox(["volume", "prune", "-a"], { stdin: "" }).stdout).toStartWith("WARNING! This will remove all local volumes not used by at least one container.");
  expect(lab.ok(["volume", "prune", "-f", "-a", "--filter", "label!=keep"])).toBe("Total reclaimed space: 0B");
  expect(lab.ok(["volume", "prune", "-f", "--filter", "all=true", "--filter", "label=keep=yes"])).toBe("Deleted Volumes:\nvt-pnamed\n\nTotal reclaimed space: 0B");
  expect(lab.nsbox(["volume", "prune", "-f", "--filter", "until=1h"])).toMatchObject({ code: 1, stderr: "nsbox: invalid filter 'until'\n" });
  expect(lab.nsbox(["volume", "ls", "--filter", "until=1h"])).toMatchObject({ code: 1, stderr: "nsbox: invalid filter 'until'\n" });
  lab.ok(["rm", "-v", "vt-pruser"]);
  expect(names()).not.toContain(usedAnon);
});

test("concurrent creates of one name make one volume; every create succeeds with that name", async () => {
  const results = await Promise.all(Array.from({ length: 12 }, () => lab.nsboxAsync(["volume", "create", "vt-race"])));
  for (const r of results) expect(r).toMatchObject({ code: 0, stdout: "vt-race\n" });
  expect(names("name=vt-race")).toEqual(["vt-race"]);
  const created = new Set(results.map(() => JSON.parse(lab.ok(["volume", "inspect", "vt-race"]))[0].CreatedAt));
  expect(created.size).toBe(1);
  lab.ok(["volume", "rm", "vt-race"]);
});

test("copy-up: a fresh volume gets the image's files with owners and modes; not a used one, not nocopy, not a bind", () => {
  // An image whose /srv is owned by 1234:4321 (mode 0750) with a 0640 file, and a symlink to a
  // host directory (absolute: inside the container it means the container's own path).
  const tree = `${scratch}/tree`;
  mkdirSync(`${tree}/srv/sub`, { recursive: true });
  writeFileSync(`${tree}/srv/sub/conf`, "default\n");
  mkdirSync(`${scratch}/hostsecret`);
  writeFileSync(`${scratch}/hostsecret/key`, "host only\n");
  Bun.spawnSync(["ln", "-s", scratch, `${tree}/escape`]);
  const tar = `${scratch}/img.tar`;
  const t = Bun.spawnSync(["tar", "-C", tree, "--owner=1234", "--group=4321", "--mode=u+rwX,g+rX,o-rwx", "-cf", tar, "."]);
  expect(t.exitCode).toBe(0);
  lab.ok(["import", tar, "vt-img:1"]);

  const c1 = lab.ok(["create", "--net", "none", "-v", "vt-cu:/srv", "vt-img:1", "true"]);
  const d = dataDir("vt-cu");
  expect(readFileSync(`${d}/sub/conf`, "utf8")).toBe("default\n");
  const top = statSync(d), file = statSync(`${d}/sub/conf`);
  expect([top.uid, top.gid, top.mode & 0o7777]).toEqual([1234, 4321, 0o750]);
  expect([file.uid, file.gid, file.mode & 0o7777]).toEqual([1234, 4321, 0o640]);

  // Not empty any more: a second container's create copies nothing over the user's changes.
  writeFileSync(`${d}/sub/conf`, "changed\n");
  const c2 = lab.ok(["create", "--net", "none", "-v", "vt-cu:/srv", "vt-img:1", "true"]);
  expect(readFileSync(`${d}/sub/conf`, "utf8")).toBe("changed\n");

  const c3 = lab.ok(["create", "--net", "none", "-v", "vt-nocopy:/srv:nocopy", "vt-img:1", "true"]);
  expect(readdirSync(dataDir("vt-nocopy"))).toEqual([]);
  // /escape/hostsecret resolves inside the container's root (where it does not exist): no host file copied.
  const c4 = lab.ok(["create", "--net", "none", "-v", "vt-esc:/escape/hostsecret", "vt-img:1", "true"]);
  expect(readdirSync(dataDir("vt-esc"))).toEqual([]);
  const bind = mkdtempSync(`${scratch}/bind-`);
  const c5 = lab.ok(["create", "--net", "none", "-v", `${bind}:/srv`, "vt-img:1", "true"]);
  expect(readdirSync(bind)).toEqual([]);

  // The same from busybox's own files, seen by the container: /etc/passwd appears in a fresh volume.
  expect(lab.ok(["run", "--rm", "--net", "none", "-v", "vt-etc:/etc", "busybox", "sh", "-c", "test -s /etc/passwd && echo ok"])).toBe("ok");
  lab.ok(["rm", c1, c2, c3, c4, c5]);
  lab.ok(["volume", "rm", "vt-cu", "vt-nocopy", "vt-esc", "vt-etc"]);
  lab.ok(["rmi", "vt-img:1"]);
});

test("-v /path is docker's Config.Volumes (not a Bind), and an explicit mount on its path wins", () => {
  const id = lab.ok(["create", "--net", "none", "-v", "/x", "-v", "vt-dup:/x", "-v", "/y", "busybox", "true"]);
  const c = lab.inspect(id);
  expect([c.Config.Volumes, c.HostConfig.Binds]).toEqual([{ "/x": {}, "/y": {} }, ["vt-dup:/x"]]);
  expect(c.Mounts.map((m: { Name: string; Destination: string }) => [m.Destination, m.Name.length])).toEqual([["/x", "vt-dup".length], ["/y", 64]]);
  lab.ok(["rm", "-v", id]);
  lab.ok(["volume", "rm", "vt-dup"]);
});

test("bad -v: one line, exit 125, nothing created", () => {
  const before = names();
  expect(lab.nsbox(["run", "--rm", "--net", "none", "-v", "a/b:/x", "busybox", "true"])).toMatchObject({ code: 125, stderr: expect.stringContaining('"a/b" includes invalid characters for a local volume name') });
  expect(lab.nsbox(["run", "--rm", "--net", "none", "-v", "rel/x", "busybox", "true"])).toMatchObject({ code: 125, stderr: "nsbox: invalid volume specification: 'rel/x'\n" });
  // A --mount bind's missing source is refused (a -v one is made, as docker's).
  expect(lab.nsbox(["run", "--rm", "--net", "none", "-v", "/ok", "--mount", "type=bind,src=/nonexistent-nsbox-src,dst=/y", "busybox", "true"]).code).toBe(125);
  expect(names()).toEqual(before); // the anonymous /ok volume went with the failed create
  expect(lab.ok(["ps", "-aq"])).toBe("");
});
