// `nsbox cp` with a container that is not running (created or exited), both ways: its root
// filesystem with its volumes, paths resolved inside its root (`..` and symlinks never reach the
// host), an overlay that lost its mount mounted only for the copy, docker's errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { EngineLab } from "./engine-util.ts";

let lab: EngineLab;
let host: string; // a host directory for our side of the copies
beforeAll(() => {
  lab = new EngineLab();
  host = mkdtempSync("/tmp/nsbox-cp-test-");
});
afterAll(async () => {
  await lab.destroy();
  rmSync(host, { recursive: true, force: true });
});

const tarText = (tar: string, file: string) => Bun.spawnSync(["tar", "xOf", "-", file], { stdin: Buffer.from(tar, "latin1") }).stdout.toString();
const mountedUnder = (dir: string) => readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.split(" ")[4]?.startsWith(dir));

test("a created container: copy in before its first start, and out", () => {
  lab.ok(["create", "--name", "cp-new", "--net", "none", "busybox", "cat", "/tmp/in.txt"]);
  writeFileSync(`${host}/in.txt`, "copied before start\n");
  lab.ok(["cp", `${host}/in.txt`, "cp-new:/tmp"]);
  lab.ok(["cp", "cp-new:/etc/passwd", `${host}/passwd`]);
  expect(readFileSync(`${host}/passwd`, "utf8")).toMatch(/^root:/);
  lab.ok(["start", "-a", "cp-new"]);
  expect(lab.ok(["logs", "cp-new"])).toBe("copied before start");
  lab.ok(["rm", "cp-new"]);
});

test("an exited container: its files, its bind mount and named volume, both ways; a read-only volume refuses", () => {
  const bind = `${host}/bind`;
  mkdirSync(bind);
  writeFileSync(`${bind}/b.txt`, "from the host\n");
  lab.ok(["run", "--name", "cp-done", "--net", "none", "-v", `${bind}:/data`, "-v", "cpvol:/vol", "-v", `${bind}:/ro:ro`, "busybox",
    "sh", "-c", "echo made-in-run > /made; mkdir -p /tree/sub; echo deep > /tree/sub/f; echo in-volume > /vol/v.txt"]);
  expect(lab.inspect("cp-done").State.Status).toBe("exited");
  lab.ok(["cp", "cp-done:/made", `${host}/made`]);
  expect(readFileSync(`${host}/made`, "utf8")).toBe("made-in-run\n");
  lab.ok(["cp", "cp-done:/tree", host]);
  expect(readFileSync(`${host}/tree/sub/f`, "utf8")).toBe("deep\n");
  expect(tarText(lab.nsbox(["cp", "cp-done:/data/b.txt", "-"]).stdout, "b.txt")).toBe("from the host\n");
  expect(tarText(lab.nsbox(["cp", "cp-done:/vol/v.txt", "-"]).stdout, "v.txt")).toBe("in-volume\n");
  writeFileSync(`${host}/back.txt`, "into the volume\n");
  lab.ok(["cp", `${host}/back.txt`, "cp-done:/data"]);
  expect(readFileSync(`${bind}/back.txt`, "utf8")).toBe("into the volume\n");
  writeFileSync(`${host}/ro.txt`, "refused\n");
  const ro = lab.nsbox(["cp", `${host}/ro.txt`, "cp-done:/ro"]);
  expect(ro).toMatchObject({ code: 1, stderr: expect.stringMatching(/^nsbox: cp: .*Read-only file system\n$/) });
  expect(existsSync(`${bind}/ro.txt`)).toBe(false);
  // stdin as a tar stream, into the root filesystem; the next run sees it.
  const tar = Bun.spawnSync(["tar", "cf", "-", "-C", host, "back.txt"]).stdout;
  expect(lab.nsbox(["cp", "-", "cp-done:/"], { stdin: tar.toString("latin1") }).code).toBe(0);
  lab.ok(["start", "-a", "cp-done"]);
  expect(tarText(lab.nsbox(["cp", "cp-done:/back.txt", "-"]).stdout, "back.txt")).toBe("into the volume\n");
  lab.ok(["rm", "cp-done"]);
});

test("`..` and symlinks in the container path stay inside the container's root", () => {
  const marker = `${host}/host-only`;
  writeFileSync(marker, "host secret\n");
  lab.ok(["run", "--name", "cp-links", "--net", "none", "busybox", "sh", "-c",
    "ln -s / /abs; ln -s ../../../../../../.. /up; mkdir -p /box; ln -s /etc /box/etc; echo container-hosts > /etc/hostname-copy; mkdir -p $0", host]);
  // Reading through links and ..: the container's files, never the host's.
  for (const p of ["/up/etc/hostname-copy", "/abs/etc/hostname-copy", "/../../../etc/hostname-copy", "/box/etc/hostname-copy"])
    expect(tarText(lab.nsbox(["cp", `cp-links:${p}`, "-"]).stdout, "hostname-copy")).toBe("container-hosts\n");
  const escape = lab.nsbox(["cp", `cp-links:/up${marker}`, `${host}/stolen`]);
  expect(escape).toMatchObject({ code: 1, stderr: `nsbox: Could not find the file /up${marker} in container cp-links\n` });
  expect(existsSync(`${host}/stolen`)).toBe(false);
  // Writing through them: into the container's directory, not the host's.
  writeFileSync(`${host}/planted`, "x\n");
  lab.ok(["cp", `${host}/planted`, `cp-links:/up${host}`]);
  lab.ok(["cp", `${host}/planted`, `cp-links:/abs/tmp/../..${dirname(host)}`]);
  expect(readFileSync(`${host}/planted`, "utf8")).toBe("x\n");
  expect(existsSync(`${dirname(host)}/planted`)).toBe(false);
  // They landed at those paths inside the container.
  lab.ok(["cp", `cp-links:${host}/planted`, `${host}/got`]);
  expect(readFileSync(`${host}/got`, "utf8")).toBe("x\n");
  lab.ok(["cp", `cp-links:${dirname(host)}/planted`, `${host}/got2`]);
  expect(readFileSync(`${host}/got2`, "utf8")).toBe("x\n");
  lab.ok(["rm", "cp-links"]);
});

test("an overlay that lost its mount (a reboot) is mounted for the copy only: nothing stays mounted", () => {
  lab.ok(["create", "--name", "cp-unmounted", "--net", "none", "busybox", "true"]);
  const merged = lab.inspect("cp-unmounted").GraphDriver.Data.MergedDir as string;
  expect(Bun.spawnSync(["umount", merged]).exitCode).toBe(0);
  const before = mountedUnder(lab.root);
  writeFileSync(`${host}/late.txt`, "late\n");
  lab.ok(["cp", `${host}/late.txt`, "cp-unmounted:/"]);
  expect(tarText(lab.nsbox(["cp", "cp-unmounted:/late.txt", "-"]).stdout, "late.txt")).toBe("late\n");
  expect(mountedUnder(lab.root)).toEqual(before);
  expect(statSync(merged).dev).toBe(statSync(dirname(merged)).dev); // still not a mountpoint
  lab.ok(["rm", "cp-unmounted"]);
});

test("errors: a missing path or container, one line and exit 1", () => {
  lab.ok(["create", "--name", "cp-err", "--net", "none", "busybox", "true"]);
  expect(lab.nsbox(["cp", "cp-err:/nonexistent", host])).toMatchObject({ code: 1, stderr: "nsbox: Could not find the file /nonexistent in container cp-err\n" });
  expect(lab.nsbox(["cp", `${host}/late.txt`, "cp-err:/no/such/dir"])).toMatchObject({ code: 1, stderr: "nsbox: Could not find the file /no/such in container cp-err\n" /* docker names the parent it would extract into */ });
  expect(lab.nsbox(["cp", "nope:/etc/passwd", host])).toMatchObject({ code: 1, stderr: "nsbox: No such container: nope\n" });
  lab.ok(["rm", "cp-err"]);
});

test("a symlink SRC is copied as a symlink; with -L its target, named as the link, both ways, running or not", async () => {
  lab.ok(["run", "-d", "--name", "cp-follow", "--net", "none", "busybox", "sh", "-c",
    "mkdir -p /d/sub; echo target > /d/sub/t.txt; ln /d/sub/t.txt /d/sub/hard; ln -s sub/t.txt /d/rel; ln -s /d/sub /d/dirlink; ln -s /nowhere /d/dangling; mkdir /in; touch /ready; sleep 60"]);
  await lab.until("the links to exist", () => lab.nsbox(["exec", "cp-follow", "test", "-e", "/ready"]).code === 0, 10000);
  const out = mkdtempSync(`${host}/follow-`);
  const check = (state: string) => {
    // Without -L: the link itself.
    lab.ok(["cp", "cp-follow:/d/rel", out]);
    expect([state, readlinkSync(`${out}/rel`)]).toEqual([state, "sub/t.txt"]);
    rmSync(`${out}/rel`);
    // -L: the file it points to, under the link's name, into a directory or as a new name.
    lab.ok(["cp", "-L", "cp-follow:/d/rel", out]);
    expect([state, lstatSync(`${out}/rel`).isFile(), readFileSync(`${out}/rel`, "utf8")]).toEqual([state, true, "target\n"]);
    lab.ok(["cp", "--follow-link", "cp-follow:/d/rel", `${out}/renamed`]);
    expect(readFileSync(`${out}/renamed`, "utf8")).toBe("target\n");
    // A directory through an absolute link: its tree (hard links renamed with it), to a file or as a tar stream.
    lab.ok(["cp", "-L", "cp-follow:/d/dirlink", out]);
    expect([state, readFileSync(`${out}/dirlink/t.txt`, "utf8"), statSync(`${out}/dirlink/hard`).ino]).toEqual([state, "target\n", statSync(`${out}/dirlink/t.txt`).ino]);
    const listing = Bun.spawnSync(["tar", "tf", "-"], { stdin: Buffer.from(lab.nsbox(["cp", "-L", "cp-follow:/d/dirlink", "-"]).stdout, "latin1") }).stdout.toString();
    expect(listing.split("\n").filter(Boolean).sort()).toEqual(["dirlink/", "dirlink/hard", "dirlink/t.txt"]);
    expect(lab.nsbox(["cp", "-L", "cp-follow:/d/dangling", out])).toMatchObject({ code: 1, stderr: "nsbox: Could not find the file /d/dangling in container cp-follow\n" });
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
  };
  // Host to container: the link itself, or with -L its target named as the link.
  writeFileSync(`${host}/real.txt`, "host target\n");
  symlinkSync(`${host}/real.txt`, `${host}/hostlink`);
  symlinkSync("/nowhere-on-the-host", `${host}/hostdangling`);
  lab.ok(["cp", `${host}/hostlink`, "cp-follow:/in"]);
  lab.ok(["cp", "-L", `${host}/hostlink`, "cp-follow:/"]);
  lab.ok(["cp", `${host}/hostdangling`, "cp-follow:/in"]); // a dangling link is copied as is
  expect(lab.nsbox(["cp", "-L", `${host}/hostdangling`, "cp-follow:/in"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^nsbox: cp: .*no such file or directory\n$/) });
  expect(lab.ok(["exec", "cp-follow", "sh", "-c", "readlink /in/hostlink; readlink /in/hostdangling; cat /hostlink; test -L /hostlink || echo regular"]))
    .toBe(`${host}/real.txt\n/nowhere-on-the-host\nhost target\nregular`);
  check("running");
  lab.ok(["stop", "-t", "0", "cp-follow"]);
  check("stopped"); // the same through the helper chrooted into the root
  lab.ok(["rm", "cp-follow"]);
});
