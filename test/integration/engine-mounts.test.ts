// docker's other ways to mount, end to end in real containers: --mount (bind, volume, tmpfs; its
// errors and exit codes; inspect's Mounts and HostConfig.Mounts), the image's VOLUME declarations
// (anonymous volumes with copy-up, removed by rm -v and --rm, skipped where -v/--mount/--tmpfs
// covers the path), --volumes-from, and hostile paths: a --mount target with `..` and an image
// VOLUME that is a symlink to a host directory stay inside the container and its volume.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineLab, top } from "./engine-util.ts";

const lab = new EngineLab();
const scratch = mkdtempSync("/tmp/nsbox-mounts-test-");
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await lab.destroy();
});

const dataDir = (name: string) => `${lab.root}/volumes/${name}/_data`;
const volumes = () => lab.ok(["volume", "ls", "-q"]).split("\n").filter(Boolean);
const run = (...args: string[]) => lab.nsbox(["run", "--rm", "--net", "none", ...args]);
const mountsOf = (ref: string): any[] => lab.inspect(ref).Mounts;
const at = (ref: string, dst: string) => mountsOf(ref).find((m) => m.Destination === dst);

// busybox plus: /data (a seed file, owner 1234), /cache, /afile (a file), /link -> a host directory.
const hostDir = `${scratch}/hostdir`;
mkdirSync(hostDir);
writeFileSync(`${hostDir}/secret`, "host only\n");
const tree = `${scratch}/tree`;
Bun.spawnSync(["cp", "-a", join(top, "build/rootfs/busybox"), tree]);
mkdirSync(`${tree}/data`);
writeFileSync(`${tree}/data/seed`, "from the image\n");
mkdirSync(`${tree}/cache`);
writeFileSync(`${tree}/afile`, "a file\n");
Bun.spawnSync(["ln", "-s", hostDir, `${tree}/link`]);
Bun.spawnSync(["chown", "-R", "1234:1234", `${tree}/data`]);
Bun.spawnSync(["tar", "-C", tree, "-cf", `${scratch}/img.tar`, "."]);
lab.ok(["import", "-c", 'VOLUME ["/data", "/cache"]', "-c", 'CMD ["sh"]', `${scratch}/img.tar`, "mt-vol:1"]);
lab.ok(["import", "-c", "VOLUME /link", `${scratch}/img.tar`, "mt-link:1"]);
lab.ok(["import", "-c", "VOLUME /afile", `${scratch}/img.tar`, "mt-file:1"]);

test("--mount bind, volume and tmpfs: seen inside, docker's inspect", () => {
  const src = mkdtempSync(`${scratch}/bind-`);
  writeFileSync(`${src}/f`, "hi\n");
  const id = lab.ok([
    "run", "-d", "--net", "none",
    "--mount", `type=bind,source=${src},target=/b,readonly`,
    "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770",
    "--mount", "src=mt-named,dst=/data,volume-label=tier=db",
    "--mount", "type=volume,dst=/cache,volume-nocopy",
    "mt-vol:1", "sleep", "30",
  ]);
  const sh = (cmd: string) => lab.nsbox(["exec", id, "sh", "-c", cmd]);
  expect(sh("cat /b/f; touch /b/g").stdout).toBe("hi\n");
  expect(existsSync(`${src}/g`)).toBe(false);
  expect(sh("stat -c %a /t; grep ' /t ' /proc/self/mountinfo").stdout).toMatch(/^1770\n.* \/t .*noexec.* tmpfs tmpfs rw,size=1024k,mode=1770\n$/);
  expect(sh("cat /data/seed; ls -A /cache").stdout).toBe("from the image\n"); // copied up; nocopy stays empty
  expect(statSync(dataDir("mt-named")).uid).toBe(1234);
  expect(JSON.parse(lab.ok(["volume", "inspect", "mt-named"]))[0].Labels).toEqual({ tier: "db" });

  const c = lab.inspect(id);
  expect(c.HostConfig.Mounts).toEqual([
    { Type: "bind", Source: src, Target: "/b", ReadOnly: true },
    { Type: "tmpfs", Target: "/t", TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1770 } },
    { Type: "volume", Source: "mt-named", Target: "/data", VolumeOptions: { DriverConfig: {}, Labels: { tier: "db" } } },
    { Type: "volume", Target: "/cache", VolumeOptions: { DriverConfig: {}, NoCopy: true } },
  ]);
  const anon = c.Mounts[3].Name;
  expect(c.Mounts).toEqual([
    { Type: "bind", Source: src, Destination: "/b", Mode: "", RW: false, Propagation: "rprivate" },
    { Type: "tmpfs", Source: "", Destination: "/t", Mode: "", RW: true, Propagation: "" },
    { Type: "volume", Name: "mt-named", Source: dataDir("mt-named"), Destination: "/data", Driver: "local", Mode: "z", RW: true, Propagation: "" },
    { Type: "volume", Name: anon, Source: dataDir(anon), Destination: "/cache", Driver: "local", Mode: "z", RW: true, Propagation: "" },
  ]);
  lab.ok(["rm", "-f", "-v", id]); // the anonymous --mount volume goes, the named one stays
  expect(volumes()).not.toContain(anon);
  expect(volumes()).toContain("mt-named");
  lab.ok(["volume", "rm", "mt-named"]);
});

test("-v makes a missing host directory, --mount refuses it; bad --mount: one line, exit 125, nothing left", () => {
  const made = `${scratch}/made/by/v`;
  expect(run("-v", `${made}:/m`, "busybox", "sh", "-c", "echo x > /m/f")).toMatchObject({ code: 0 });
  expect(readFileSync(`${made}/f`, "utf8")).toBe("x\n");
  const before = volumes();
  const missing = `${scratch}/missing`;
  const cases: [string[], string][] = [
    [["--mount", `type=bind,src=${missing},dst=/m`], `invalid mount config for type "bind": bind source path does not exist: ${missing}`],
    [["--mount", "type=bind,dst=/m"], 'invalid mount config for type "bind": field Source must not be empty'],
    [["--mount", "dst=/m,ro"], 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'],
    [["--mount", "type=image,dst=/m"], 'invalid mount config for type "image": mount type unknown'],
    [["--mount", "src=mt-x,dst=/"], `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
    [["--mount", "src=mt-x"], 'invalid argument "src=mt-x" for "--mount" flag: target is required'],
    [["--mount", "type=tmpfs,dst=/m,tmpfs-mode=9"], 'invalid argument "type=tmpfs,dst=/m,tmpfs-mode=9" for "--mount" flag: invalid value for tmpfs-mode: 9'],
    [["-v", "/m:/m", "--mount", "type=tmpfs,dst=/m"], "Duplicate mount point: /m"],
    [["--volumes-from", "mt-nobody"], "No such container: mt-nobody"],
    [["--volumes-from", "mt-nobody:rslave"], "invalid mode: rslave"],
  ];
  for (const [flags, msg] of cases) {
    expect([flags, run("--mount", "dst=/anon", ...flags, "busybox", "true")]).toEqual([flags, { code: 125, stdout: "", stderr: `nsbox: ${msg}\n` }]);
  }
  expect(lab.nsbox(["create", "--mount", "type=volume,dst=/v,volume-opt=type=nfs", "busybox"])).toMatchObject({ code: 125, stderr: expect.stringContaining("volume-opt is not supported") });
  expect(volumes()).toEqual(before);
  expect(lab.ok(["ps", "-aq"])).toBe("");
  expect(existsSync(missing)).toBe(false);
});

test("image VOLUMEs: anonymous volumes with copy-up unless covered; rm -v and --rm take them", async () => {
  const cov = mkdtempSync(`${scratch}/cov-`);
  const id = lab.ok(["create", "--net", "none", "mt-vol:1"]);
  const [data, cache] = [at(id, "/data"), at(id, "/cache")];
  for (const m of [data, cache]) {
    expect(m).toMatchObject({ Type: "volume", Driver: "local", Mode: "", RW: true, Propagation: "" });
    expect(JSON.parse(lab.ok(["volume", "inspect", m.Name]))[0].Labels).toEqual({ "com.docker.volume.anonymous": "" });
  }
  expect(readFileSync(`${dataDir(data.Name)}/seed`, "utf8")).toBe("from the image\n");
  expect(statSync(dataDir(data.Name)).uid).toBe(1234);
  expect(lab.inspect(id).Config.Volumes).toEqual({ "/data": {}, "/cache": {} });
  lab.ok(["rm", "-v", id]);
  expect(volumes()).not.toContain(data.Name);
  expect(volumes()).not.toContain(cache.Name);

  // Covered by -v, --mount and --tmpfs: no anonymous volume there.
  const c2 = lab.ok(["create", "--net", "none", "-v", `${cov}:/data`, "--tmpfs", "/cache", "mt-vol:1"]);
  expect(mountsOf(c2)).toEqual([{ Type: "bind", Source: cov, Destination: "/data", Mode: "", RW: true, Propagation: "rprivate" }]);
  const c3 = lab.ok(["create", "--net", "none", "--mount", "type=tmpfs,dst=/cache/", "mt-vol:1"]);
  expect(mountsOf(c3).map((m) => [m.Destination, m.Type])).toEqual([["/cache", "tmpfs"], ["/data", "volume"]]);
  lab.ok(["rm", "-v", c2, c3]);

  // --rm: the container's image volumes go with it (foreground and detached).
  const before = new Set(volumes());
  expect(run("mt-vol:1", "sh", "-c", "cat /data/seed; echo more > /cache/x")).toMatchObject({ code: 0, stdout: "from the image\n" });
  const det = lab.ok(["run", "-d", "--rm", "--net", "none", "mt-vol:1", "sleep", "0.2"]);
  await lab.until("--rm container removed", () => lab.nsbox(["inspect", det]).code !== 0);
  expect(volumes().filter((v) => !before.has(v))).toEqual([]);
});

test("--volumes-from: the other container's volumes and binds at the same paths, :ro, and rm -v keeps what it still uses", () => {
  const b = mkdtempSync(`${scratch}/vf-`);
  const srcId = lab.ok(["create", "--name", "mt-src", "--net", "none", "-v", `${b}:/b`, "-v", "mt-shared:/shared", "mt-vol:1"]);
  const anon = at(srcId, "/data").Name;
  expect(run("--volumes-from", "mt-src", "busybox", "sh", "-c", "echo w > /shared/f; echo w > /b/f; cat /data/seed")).toMatchObject({ code: 0, stdout: "from the image\n" });
  expect(readFileSync(`${dataDir("mt-shared")}/f`, "utf8")).toBe("w\n");
  expect(readFileSync(`${b}/f`, "utf8")).toBe("w\n");
  const ro = run("--volumes-from", "mt-src:ro", "busybox", "sh", "-c", "touch /shared/g || echo refused");
  expect(ro.stdout).toContain("refused");
  expect(existsSync(`${dataDir("mt-shared")}/g`)).toBe(false);

  // The consumer's own image VOLUMEs are covered by the source's; a -v replaces one of them.
  const own = mkdtempSync(`${scratch}/own-`);
  const user = lab.ok(["create", "--net", "none", "--volumes-from", srcId.slice(0, 12) + ":ro", "-v", `${own}:/shared`, "mt-vol:1"]);
  expect(lab.inspect(user).HostConfig.VolumesFrom).toEqual([`${srcId.slice(0, 12)}:ro`]);
  expect(mountsOf(user).map((m) => [m.Destination, m.Type, m.RW, m.Name ?? m.Source])).toEqual([
    ["/b", "bind", false, b], ["/shared", "bind", true, own], ["/data", "volume", false, anon], ["/cache", "volume", false, at(srcId, "/cache").Name],
  ]);
  // rm -v of the user keeps the source's anonymous volumes (still in use); the source's rm -v takes them.
  lab.ok(["rm", "-v", user]);
  expect(volumes()).toContain(anon);
  expect(lab.nsbox(["volume", "rm", "mt-shared"]).code).toBe(1);
  lab.ok(["rm", "-v", "mt-src"]);
  expect(volumes()).not.toContain(anon);
  lab.ok(["volume", "rm", "mt-shared"]);
});

test("hostile paths stay inside: a --mount target with .., an image VOLUME that is a link to a host directory, one over a file", () => {
  const escape = `${scratch}/escaped`;
  const r = run("--mount", `src=mt-dots,dst=/../../..${escape}`, "busybox", "sh", "-c", `echo in > ${escape}/f; grep -c ' ${escape} ' /proc/self/mountinfo`);
  expect(r).toMatchObject({ code: 0, stdout: "1\n" });
  expect(existsSync(escape)).toBe(false); // the host never saw it
  expect(readFileSync(`${dataDir("mt-dots")}/f`, "utf8")).toBe("in\n");
  lab.ok(["volume", "rm", "mt-dots"]);

  // /link -> hostDir (absolute): inside the container that is the container's own path.
  const id = lab.ok(["create", "--net", "none", "mt-link:1", "sh", "-c", "ls -A /link; echo pwned > /link/secret; echo new > /link/x"]);
  const vol = at(id, "/link");
  expect(readdirSync(dataDir(vol.Name))).toEqual([]); // no host file copied up
  expect(lab.nsbox(["start", "-a", id])).toMatchObject({ code: 0, stdout: "" });
  expect(readdirSync(hostDir)).toEqual(["secret"]);
  expect(readFileSync(`${hostDir}/secret`, "utf8")).toBe("host only\n");
  expect(readdirSync(dataDir(vol.Name)).sort()).toEqual(["secret", "x"]);
  lab.ok(["rm", "-v", id]);
  expect(volumes()).not.toContain(vol.Name);

  const file = lab.nsbox(["create", "--net", "none", "mt-file:1", "true"]);
  expect(file).toMatchObject({ code: 125, stderr: expect.stringMatching(/^nsbox: cannot mount volume over existing file, file exists \/.*\/afile\n$/) });
  expect(lab.ok(["ps", "-aq"])).toBe("");
});
