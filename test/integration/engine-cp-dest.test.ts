// `nsbox cp` with docker's destination table, both ways, with a running and a stopped container:
// a DEST that does not exist yet takes SRC under its name when its parent exists (a file as a
// file, a directory as a directory with SRC's contents), "DEST/" must be an existing directory
// for a file, "SRC/." copies the contents, an existing file is overwritten by a file and refuses a
// directory, a final symlink in DEST is followed (inside the container's root), and docker's
// messages for the refusals. New names made through `..` and symlinks stay in the container.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { EngineLab } from "./engine-util.ts";

let lab: EngineLab;
let host: string;
beforeAll(() => {
  lab = new EngineLab();
  host = mkdtempSync("/tmp/nsbox-cp-dest-");
  mkdirSync(`${host}/tree/sub`, { recursive: true });
  writeFileSync(`${host}/tree/t.txt`, "tree\n");
  writeFileSync(`${host}/tree/sub/s.txt`, "sub\n");
  mkdirSync(`${host}/empty`);
});
afterAll(async () => {
  await lab.destroy();
  rmSync(host, { recursive: true, force: true });
});

const C = "cp-dest";
const fail = (args: string[], stderr: string) => expect(lab.nsbox(args)).toEqual({ code: 1, stdout: "", stderr: `nsbox: ${stderr}\n` });
/** `cat` of container files through cp to stdout (works running or stopped). */
const inC = (path: string) => {
  const r = lab.nsbox(["cp", `${C}:${path}`, "-"]);
  if (r.code !== 0) return `missing: ${r.stderr.trim()}`;
  const name = path.replace(/\/$/, "").split("/").pop()!;
  const list = Bun.spawnSync(["tar", "tf", "-"], { stdin: Buffer.from(r.stdout, "latin1") }).stdout.toString().trim().split("\n").sort();
  if (list.length > 1) return list;
  return Bun.spawnSync(["tar", "xOf", "-", name], { stdin: Buffer.from(r.stdout, "latin1") }).stdout.toString();
};

beforeAll(async () => {
  lab.ok(["run", "-d", "--name", C, "--net", "none", "busybox", "sh", "-c",
    "mkdir -p /d/sub /into $0 /t-running /t-stopped; echo f > /d/f.txt; echo s > /d/sub/s.txt; mkfifo /fifo; ln -s /into /dirlink; " +
    "ln -s / /up; ln -s /made-running /dangling-running; ln -s /made-stopped /dangling-stopped; ln -s $0 /escape; touch /ready; exec sleep 60", host]);
  await lab.until("the container's files", () => lab.nsbox(["exec", C, "test", "-e", "/ready"]).code === 0, 10000);
});

const check = (state: "running" | "stopped") => {
  const T = `/t-${state}`;
  const file = `${host}/${state}.txt`;
  writeFileSync(file, `${state}\n`);
  // A file: to a new name, over an existing file, into a directory; "DEST/" must exist; the parent must.
  lab.ok(["cp", file, `${C}:${T}/new.txt`]);
  expect([state, inC(`${T}/new.txt`)]).toEqual([state, `${state}\n`]);
  writeFileSync(`${host}/other.txt`, "overwritten\n");
  lab.ok(["cp", `${host}/other.txt`, `${C}:${T}/new.txt`]);
  expect([state, inC(`${T}/new.txt`)]).toEqual([state, "overwritten\n"]);
  lab.ok(["cp", file, `${C}:${T}`]);
  expect([state, inC(`${T}/${state}.txt`)]).toEqual([state, `${state}\n`]);
  fail(["cp", file, `${C}:${T}/nodir/`], "no such directory");
  fail(["cp", file, `${C}:${T}/no/x`], `Could not find the file ${T}/no in container ${C}`);
  fail(["cp", file, `${C}:${T}/new.txt/x`], "extraction point is not a directory");
  expect(inC(`${T}/nodir`)).toBe(`missing: nsbox: Could not find the file ${T}/nodir in container ${C}`);
  // A directory: to a new name (its contents, with or without "/"), into a directory, never over a file.
  lab.ok(["cp", `${host}/tree`, `${C}:${T}/copy`]);
  lab.ok(["cp", `${host}/tree`, `${C}:${T}/copy2/`]);
  lab.ok(["cp", `${host}/tree`, `${C}:${T}`]);
  for (const d of ["copy", "copy2", "tree"]) expect([state, d, inC(`${T}/${d}`)]).toEqual([state, d, [`${d}/`, `${d}/sub/`, `${d}/sub/s.txt`, `${d}/t.txt`]]);
  lab.ok(["cp", `${host}/empty`, `${C}:${T}/merged`]); // an empty directory by a new name
  lab.ok(["cp", `${host}/tree/.`, `${C}:${T}/merged`]); // "SRC/.": the contents, into it
  expect([state, inC(`${T}/merged`)]).toEqual([state, ["merged/", "merged/sub/", "merged/sub/s.txt", "merged/t.txt"]]);
  fail(["cp", `${host}/tree`, `${C}:${T}/new.txt`], "cannot copy directory");
  // A final symlink in DEST is followed inside the container: to a directory, or dangling (a new file).
  lab.ok(["cp", file, `${C}:/dirlink`]);
  expect([state, inC(`/into/${state}.txt`)]).toEqual([state, `${state}\n`]);
  lab.ok(["cp", file, `${C}:/dangling-${state}`]);
  expect([state, inC(`/made-${state}`)]).toEqual([state, `${state}\n`]);
  expect(existsSync(`/made-${state}`)).toBe(false);
  // Not a file or directory; a tar stream only into an existing directory.
  fail(["cp", file, `${C}:/fifo`], `destination "${C}:/fifo" must be a directory or a regular file`);
  const tar = Bun.spawnSync(["tar", "cf", "-", "-C", host, `${state}.txt`]).stdout.toString("latin1");
  expect(lab.nsbox(["cp", "-", `${C}:${T}/absent`], { stdin: tar })).toEqual({ code: 1, stdout: "", stderr: `nsbox: destination "${C}:${T}/absent" must be a directory\n` });
  // New names through `..` and symlinks that point at the host's paths: made in the container.
  lab.ok(["cp", file, `${C}:/up${host}/via-up-${state}`]);
  lab.ok(["cp", file, `${C}:/../../..${host}/via-dots-${state}`]);
  lab.ok(["cp", `${host}/tree`, `${C}:/escape/via-link-${state}`]);
  for (const n of [`via-up-${state}`, `via-dots-${state}`, `via-link-${state}`]) expect([n, existsSync(`${host}/${n}`)]).toEqual([n, false]);
  expect([inC(`${host}/via-up-${state}`), inC(`${host}/via-dots-${state}`)]).toEqual([`${state}\n`, `${state}\n`]);
  expect(inC(`${host}/via-link-${state}/sub/s.txt`)).toBe("sub\n");

  // Container to host, the same table.
  const out = mkdtempSync(`${host}/out-`);
  lab.ok(["cp", `${C}:/d/f.txt`, `${out}/new`]);
  expect(readFileSync(`${out}/new`, "utf8")).toBe("f\n");
  writeFileSync(`${out}/old`, "old\n");
  lab.ok(["cp", `${C}:/d/f.txt`, `${out}/old`]);
  expect(readFileSync(`${out}/old`, "utf8")).toBe("f\n");
  fail(["cp", `${C}:/d/f.txt`, `${out}/nodir/`], "no such directory");
  fail(["cp", `${C}:/d/f.txt`, `${out}/no/x`], `invalid output path: directory "${out}/no" does not exist`);
  lab.ok(["cp", `${C}:/d`, `${out}/dcopy`]);
  expect(readFileSync(`${out}/dcopy/sub/s.txt`, "utf8")).toBe("s\n");
  lab.ok(["cp", `${C}:/d/.`, `${out}/dnew/`]);
  expect(readFileSync(`${out}/dnew/f.txt`, "utf8")).toBe("f\n");
  mkdirSync(`${out}/existing`);
  lab.ok(["cp", `${C}:/d/.`, `${out}/existing`]);
  expect([existsSync(`${out}/existing/f.txt`), existsSync(`${out}/existing/d`)]).toEqual([true, false]);
  lab.ok(["cp", `${C}:/d`, `${out}/existing`]);
  expect(readFileSync(`${out}/existing/d/sub/s.txt`, "utf8")).toBe("s\n");
  fail(["cp", `${C}:/d`, `${out}/old`], "cannot copy directory");
  symlinkSync(`${out}/link-target`, `${out}/dangling`);
  lab.ok(["cp", `${C}:/d/f.txt`, `${out}/dangling`]);
  expect([lstatSync(`${out}/dangling`).isSymbolicLink(), readFileSync(`${out}/link-target`, "utf8")]).toEqual([true, "f\n"]);
  // A missing source is reported before the destination's trouble.
  fail(["cp", `${C}:/nope`, `${out}/nodir/`], `Could not find the file /nope in container ${C}`);
};

test("running: docker's destination table, both ways", () => check("running"));

test("stopped: the same through the helper in the container's root", () => {
  lab.ok(["stop", "-t", "0", C]);
  check("stopped");
});
