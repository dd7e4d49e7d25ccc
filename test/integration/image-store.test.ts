// The store end to end: load (OCI layout, docker-archive), overlay and copy root filesystems,
// whiteouts across layers, rmi/prune/GC, concurrent loads, import with --change, the CLI.
import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { ImageStore, importRootfs, loadArchive, saveImages } from "../../src/image/index.ts";
import { dir, file, ociImageTar, symlink, tempDir } from "./image-fixtures.ts";

const base = tempDir("store");
afterAll(() => {
  for (const m of fs.readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const p = m.split(" ")[1];
    if (p?.startsWith(base)) Bun.spawnSync(["umount", "-l", p]);
  }
  fs.rmSync(base, { recursive: true, force: true });
});
const top = `${import.meta.dir}/../..`;
const nsbox = (args: string[], root: string) => Bun.spawnSync([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, ...args], { env: { ...process.env, NSBOX_ROOT: root } });

const layers = [
  [dir("etc/"), file("etc/hostname", "base"), file("gone", "x"), dir("opq/"), file("opq/lower", "l"), dir("keep/"), file("keep/lower", "k"), symlink("sh", "/bin/busybox")],
  [file(".wh.gone", ""), dir("opq/"), file("opq/.wh..wh..opq", ""), file("opq/upper", "u"), file("keep/upper", "u2")],
];
const imgTar = `${base}/two.tar`;
fs.writeFileSync(imgTar, ociImageTar("example.com/two:1", layers, { Cmd: ["sh"] }));

function view(root: string): string[] {
  const out: string[] = [];
  const walk = (p: string, rel: string) => {
    for (const n of fs.readdirSync(p).sort()) {
      const st = fs.lstatSync(`${p}/${n}`);
      out.push(`${rel}${n}${st.isDirectory() ? "/" : st.isSymbolicLink() ? "@" : ""}`);
      if (st.isDirectory()) walk(`${p}/${n}`, `${rel}${n}/`);
    }
  };
  walk(root, "");
  return out;
}

describe("store", () => {
  const store = new ImageStore(`${base}/s1`);
  store.warn = () => {};

  test("load an OCI layout; overlay and copy root filesystems show the same merged tree", async () => {
    const [img] = await loadArchive(store, imgTar);
    expect(img!.names).toEqual(["example.com/two:1"]);
    expect(store.resolve("example.com/two:1")?.id).toBe(img!.id);
    expect(store.resolve(img!.id.slice(7, 19))?.id).toBe(img!.id);
    expect(store.config(img!).config?.Cmd).toEqual(["sh"]);
    const ov = await store.prepareRootfs("example.com/two:1", "c-overlay");
    const cp = await store.prepareRootfs("example.com/two:1", "c-copy", { mode: "copy" });
    expect(ov.mode).toBe("overlay");
    expect(cp.mode).toBe("copy");
    const want = ["etc/", "etc/hostname", "keep/", "keep/lower", "keep/upper", "opq/", "opq/upper", "sh@"];
    expect(view(ov.rootfsPath)).toEqual(want);
    expect(view(cp.rootfsPath)).toEqual(want);
    // Writes go to the container's upper dir, never into the shared layers.
    fs.writeFileSync(`${ov.rootfsPath}/etc/hostname`, "changed");
    // Mounted where the caller says (the engine's run directory), the writable layer still in the store.
    fs.mkdirSync(`${base}/run`, { recursive: true });
    const ov2 = await store.prepareRootfs("example.com/two:1", "c-overlay2", { mountpoint: `${base}/run/c-overlay2` });
    expect(ov2.rootfsPath).toBe(`${base}/run/c-overlay2`);
    expect(fs.readFileSync(`${ov2.rootfsPath}/etc/hostname`, "utf8")).toBe("base");
    fs.writeFileSync(`${ov2.rootfsPath}/new`, "x");
    expect(fs.readdirSync(`${base}/s1/containers/c-overlay2/upper`)).toEqual(["new"]);
    // Which image each rootfs uses is on its directory: another store instance (process) sees it.
    const users = new ImageStore(`${base}/s1`).rootfsUsers(img!.id).map((u) => u.container).sort();
    expect(users).toEqual(["c-copy", "c-overlay", "c-overlay2"]);
    expect(store.prune(true).deleted).toEqual([]);
    await expect(store.prepareRootfs("example.com/two:1", "c-overlay")).rejects.toThrow(/already has a root filesystem/);
    await expect(store.prepareRootfs("example.com/two:1", "../evil")).rejects.toThrow(/invalid container id/);
    // In use: rmi refuses without force.
    expect(() => store.remove("example.com/two:1")).toThrow(/is using its referenced image/);
    for (const r of [ov, cp, ov2]) await r.cleanup();
    expect(fs.existsSync(ov.rootfsPath)).toBe(false);
    expect(fs.existsSync(ov2.rootfsPath)).toBe(false);
    expect(fs.readdirSync(`${base}/s1/containers`)).toEqual([]);
    expect(store.rootfsUsers()).toEqual([]);
    expect(fs.readFileSync("/proc/self/mounts", "utf8")).not.toContain(`${base}/s1/containers`);
    expect(fs.readFileSync("/proc/self/mounts", "utf8")).not.toContain(`${base}/run`);
  });

  test("layers are unpacked once and shared; rmi deletes the image and GC its blobs and layers", async () => {
    const again = await loadArchive(store, imgTar);
    expect(store.layers.list().length).toBe(2);
    store.tag(again[0]!.id, "other:tag");
    expect(store.remove("other:tag")).toEqual({ untagged: ["docker.io/library/other:tag"], deleted: [] });
    const r = store.remove("example.com/two:1");
    expect(r.deleted).toEqual([again[0]!.id]);
    expect(store.list()).toEqual([]);
    expect(store.layers.list()).toEqual([]);
    expect(store.blobs.list()).toEqual([]);
  });

  test("concurrent loads of the same image in several processes neither corrupt nor duplicate", async () => {
    const root = `${base}/conc`;
    const procs = [0, 1, 2, 3].map(() => Bun.spawn([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, "load", "-q", "-i", imgTar], { env: { ...process.env, NSBOX_ROOT: root }, stderr: "pipe" }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual([0, 0, 0, 0]);
    const s = new ImageStore(`${root}/image`);
    expect(s.list().length).toBe(1);
    expect(s.layers.list().length).toBe(2);
    expect(fs.readdirSync(`${root}/image/layers`).filter((n) => n.startsWith("."))).toEqual([]);
    expect(fs.readdirSync(`${root}/image/ingest`)).toEqual([]);
    s.close();
  });

  test("save writes a docker-archive that loads back (and that skopeo reads)", async () => {
    await loadArchive(store, imgTar);
    const out = `${base}/saved.tar`;
    saveImages(store, ["example.com/two:1"], out);
    const s2 = new ImageStore(`${base}/s2`);
    const [img] = await loadArchive(s2, out);
    expect(img!.id).toBe(store.get("example.com/two:1").id);
    expect(img!.names).toEqual(["example.com/two:1"]);
    const sk = Bun.spawnSync(["skopeo", "inspect", "--config", `docker-archive:${out}`]);
    if (sk.exitCode !== 127) expect(JSON.parse(sk.stdout.toString()).rootfs.diff_ids.length).toBe(2);
  });

  test("import a rootfs tarball with --change", async () => {
    const tgz = `${base}/rootfs.tgz`;
    Bun.spawnSync(["tar", "-C", `${top}/build/rootfs/busybox`, "-czf", tgz, "."]);
    const img = await importRootfs(store, tgz, "imported:v1", ["CMD [\"sh\",\"-c\",\"echo hi\"]", "ENV A=1 B=2", "WORKDIR /tmp", "EXPOSE 8080/udp 80"]);
    const c = store.config(img).config!;
    expect(c.Cmd).toEqual(["sh", "-c", "echo hi"]);
    expect(c.Env).toContain("B=2");
    expect(c.WorkingDir).toBe("/tmp");
    expect(Object.keys(c.ExposedPorts!).sort()).toEqual(["80/tcp", "8080/udp"]);
    const r = await store.prepareRootfs("imported:v1", "imp");
    const p = Bun.spawnSync(["chroot", r.rootfsPath, "/bin/sh", "-c", "echo hello from $(basename $0)"]);
    expect(p.stdout.toString()).toBe("hello from sh\n");
    await r.cleanup();
  });
});

describe("cli", () => {
  const root = `${base}/cli`;
  test("load, images, tag, history, inspect, rmi, prune", () => {
    expect(nsbox(["load", "-i", imgTar], root).stdout.toString()).toBe("Loaded image: example.com/two:1\n");
    expect(nsbox(["tag", "example.com/two:1", "two:latest"], root).exitCode).toBe(0);
    const images = nsbox(["images"], root).stdout.toString().split("\n");
    expect(images[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
    expect(images.filter((l) => /^(two|example\.com\/two) /.test(l)).length).toBe(2);
    const insp = JSON.parse(nsbox(["image", "inspect", "two"], root).stdout.toString());
    expect(insp[0].RepoTags.sort()).toEqual(["example.com/two:1", "two:latest"]);
    expect(insp[0].RootFS.Layers.length).toBe(2);
    expect(nsbox(["history", "-q", "two"], root).stdout.toString().split("\n")[0]).toBe(insp[0].Id.slice(7, 19));
    const rmi = nsbox(["rmi", insp[0].Id.slice(7, 19)], root);
    expect(rmi.exitCode).toBe(1);
    expect(rmi.stderr.toString()).toMatch(/^nsbox: conflict: .*referenced in multiple repositories\n$/);
    expect(nsbox(["rmi", "two"], root).stdout.toString()).toBe("Untagged: two:latest\n");
    expect(nsbox(["rmi", "example.com/two:1"], root).stdout.toString()).toContain("Deleted: sha256:");
    expect(nsbox(["images", "-q"], root).stdout.toString().trim()).toBe("");
    expect(nsbox(["image", "prune", "-a", "-f"], root).stdout.toString()).toContain("Total reclaimed space");
  });

  test("bad input: one clear line, non-zero exit, nothing left behind", () => {
    const junk = `${base}/junk.tar`;
    fs.writeFileSync(junk, "this is not a tarball at all".repeat(40));
    const r = nsbox(["load", "-i", junk], root);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.toString()).toMatch(/^nsbox: invalid tar header checksum.*\n$/);
    expect(fs.readdirSync(`${root}/image/ingest`)).toEqual([]);
    expect(fs.readdirSync(`${root}/image/blobs/sha256`)).toEqual([]);
    const missing = nsbox(["image", "inspect", "nope"], root);
    expect([missing.exitCode, missing.stderr.toString()]).toEqual([1, "nsbox: No such image: nope\n"]);
    const badref = nsbox(["tag", "nope", "UPPER"], root);
    expect(badref.stderr.toString()).toBe("nsbox: No such image: nope\n");
  });

  test("archive paths that do not work: docker's one line, exit 1, nothing written", () => {
    nsbox(["load", "-i", imgTar], root);
    const line = (args: string[]) => {
      const r = nsbox(args, root);
      return [r.exitCode, r.stderr.toString()];
    };
    expect(line(["load", "-i", `${base}/missing.tar`])).toEqual([1, `nsbox: open ${base}/missing.tar: no such file or directory\n`]);
    expect(line(["load", "-i", base])).toEqual([1, `nsbox: read ${base}: is a directory\n`]);
    expect(line(["import", `${base}/missing.tar`, "x/y"])).toEqual([1, `nsbox: open ${base}/missing.tar: no such file or directory\n`]);
    expect(line(["save", "-o", `${base}/no/such/dir/out.tar`, "example.com/two:1"])).toEqual([1, `nsbox: invalid output path: directory "${base}/no/such/dir" does not exist\n`]);
    expect(fs.readdirSync(`${root}/image/ingest`)).toEqual([]);
  });
});
