// Pulls from a real registry (Debian's docker-registry on 127.0.0.1), images pushed with skopeo:
// OCI and Docker schema2 manifests, an OCI index and a Docker manifest list whose FIRST entry is
// arm64, pull by digest, a corrupted blob, an interrupted pull, token auth and basic auth + login.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { ImageStore } from "../../src/image/index.ts";
import { pullImage } from "../../src/image/registry/pull.ts";
import { parsePlatform } from "../../src/image/platform.ts";
import { describeWithTools, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";
import { startTokenServer, type TokenServer } from "./image-token-server.ts";
import { tempDir } from "./image-fixtures.ts";

const top = `${import.meta.dir}/../..`;
const images = `${top}/build/images`;
const d = describeWithTools("image-registry", ["docker-registry", "skopeo", "htpasswd", "openssl"]);

const base = tempDir("regtest");
const nsbox = (args: string[], env: Record<string, string> = {}) =>
  Bun.spawnSync([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, ...args], { env: { ...process.env, NSBOX_ROOT: `${base}/cli`, NSBOX_AUTH_FILE: `${base}/auth.json`, ...env }, stdin: "pipe" });
let reg: TestRegistry;
let n = 0;
const newStore = () => {
  const s = new ImageStore(`${base}/store${++n}`);
  s.warn = () => {};
  return s;
};
const elfMachine = (path: string) => fs.readFileSync(path).readUInt16LE(18); // 0x3e x86-64, 0xb7 aarch64

d("registry pulls", () => {
  beforeAll(async () => {
    reg = await startRegistry();
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${reg.host}/busybox:latest`);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${reg.host}/busybox:v2s2`, ["--format", "v2s2"]);
    await skopeoCopy(`oci:${images}/busybox-multi:multi`, `docker://${reg.host}/busybox:multi`, ["--all"]);
    await skopeoCopy(`oci:${images}/busybox-multi:multi`, `docker://${reg.host}/busybox:list`, ["--all", "--format", "v2s2"]);
    await skopeoCopy(`oci:${images}/redis:latest`, `docker://${reg.host}/redis:latest`);
    await skopeoCopy(`oci:${images}/nginx:latest`, `docker://${reg.host}/library/nginx:latest`);
  }, 60_000);
  afterAll(() => reg?.stop());

  test("OCI manifest by tag; the image runs; names are repo:tag and repo@digest", async () => {
    const s = newStore();
    const { image, digest } = await pullImage(s, `${reg.host}/busybox`);
    expect(image.names).toEqual([`${reg.host}/busybox:latest`, `${reg.host}/busybox@${digest}`]);
    const r = await s.prepareRootfs(`${reg.host}/busybox`, "c1");
    expect(Bun.spawnSync(["chroot", r.rootfsPath, "/bin/echo", "hi"]).stdout.toString()).toBe("hi\n");
    await r.cleanup();
    expect(s.resolve(`${reg.host}/busybox@${digest}`)?.id).toBe(image.id);
  });

  test("Docker schema2 manifest, and localhost (registry on 127.0.0.1 only)", async () => {
    const s = newStore();
    const { image } = await pullImage(s, `localhost:${reg.port}/busybox:v2s2`);
    expect(s.manifest(image).mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
  });

  for (const tag of ["multi", "list"]) {
    test(`${tag === "multi" ? "OCI index" : "Docker manifest list"} with arm64 first: host platform by default, --platform picks arm64`, async () => {
      const s = newStore();
      const amd = await pullImage(s, `${reg.host}/busybox:${tag}`);
      expect(s.config(amd.image).architecture).toBe("amd64");
      expect(amd.image.indexDigest).toBe(amd.digest);
      const arm = await pullImage(s, `${reg.host}/busybox:${tag}`, { platform: parsePlatform("linux/arm64") });
      expect(s.config(arm.image).architecture).toBe("arm64");
      const r = await s.prepareRootfs(arm.image.id, `arm-${tag}`);
      expect(elfMachine(`${r.rootfsPath}/bin/busybox`)).toBe(0xb7);
      await r.cleanup();
      await expect(pullImage(s, `${reg.host}/busybox:${tag}`, { platform: parsePlatform("linux/s390x") })).rejects.toThrow(/no matching manifest for linux\/s390x.*linux\/arm64\/v8, linux\/amd64/);
    });
  }

  test("pull by digest; unknown tags and repos are one clear error", async () => {
    const s = newStore();
    const { digest } = await pullImage(s, `${reg.host}/redis:latest`);
    const s2 = newStore();
    const byDigest = await pullImage(s2, `${reg.host}/redis@${digest}`);
    expect(byDigest.image.names).toEqual([`${reg.host}/redis@${digest}`]);
    await expect(pullImage(s2, `${reg.host}/redis:nope`)).rejects.toThrow(/not found.*MANIFEST_UNKNOWN/);
    await expect(pullImage(s2, `${reg.host}/nothing:here`)).rejects.toThrow(/not found/);
  });

  test("a corrupted blob (digest mismatch) is refused and nothing is kept", async () => {
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${reg.host}/corrupt:latest`);
    const idx = JSON.parse(fs.readFileSync(`${images}/busybox/index.json`, "utf8"));
    const man = JSON.parse(fs.readFileSync(`${images}/busybox/blobs/sha256/${idx.manifests[0].digest.slice(7)}`, "utf8"));
    const hex = man.layers[0].digest.slice(7);
    const data = `${reg.dir}/data/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;
    const good = fs.readFileSync(data);
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0x55;
    fs.writeFileSync(data, bad);
    try {
      const s = newStore();
      await expect(pullImage(s, `${reg.host}/corrupt:latest`)).rejects.toThrow(/digest mismatch/);
      expect(s.list()).toEqual([]);
      expect(s.blobs.has(man.layers[0].digest)).toBe(false);
      expect(fs.readdirSync(s.blobs.ingestDir).filter((f) => !f.endsWith(".lock"))).toEqual([]);
    } finally {
      fs.writeFileSync(data, good);
    }
  });

  test("an interrupted pull resumes: a partial download left by a killed pull is completed", async () => {
    const s = newStore();
    const idx = JSON.parse(fs.readFileSync(`${images}/redis/index.json`, "utf8"));
    const man = JSON.parse(fs.readFileSync(`${images}/redis/blobs/sha256/${idx.manifests[0].digest.slice(7)}`, "utf8"));
    const big = man.layers.reduce((a: { size: number }, b: { size: number }) => (a.size > b.size ? a : b));
    const blob = fs.readFileSync(`${images}/redis/blobs/sha256/${big.digest.slice(7)}`);
    // What a pull killed mid-download leaves: half the bytes and the lock of a dead process.
    const dead = Bun.spawnSync(["true"]).pid;
    fs.writeFileSync(`${s.blobs.ingestDir}/${big.digest.slice(7)}.partial`, blob.subarray(0, blob.length >> 1));
    fs.writeFileSync(`${s.blobs.ingestDir}/${big.digest.slice(7)}.lock`, String(dead));
    const { image } = await pullImage(s, `${reg.host}/redis:latest`);
    expect(s.blobs.has(big.digest)).toBe(true);
    expect(fs.readdirSync(s.blobs.ingestDir)).toEqual([]);
    const r = await s.prepareRootfs(image.id, "redis1");
    expect(Bun.spawnSync(["chroot", r.rootfsPath, "redis-server", "--version"]).stdout.toString()).toContain("Redis server v=");
    await r.cleanup();
  });

  test("a pull killed with SIGKILL leaves a store the next pull completes", async () => {
    const root = `${base}/killed`;
    const p = Bun.spawn([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, "pull", "-q", `${reg.host}/library/nginx`], { env: { ...process.env, NSBOX_ROOT: root }, stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(150);
    p.kill(9);
    await p.exited;
    const again = nsbox(["pull", "-q", `${reg.host}/library/nginx`], { NSBOX_ROOT: root });
    expect([again.exitCode, again.stdout.toString()]).toEqual([0, `${reg.host}/library/nginx:latest\n`]);
    const s = new ImageStore(`${root}/image`);
    expect(s.list().length).toBe(1);
    expect(fs.readdirSync(s.blobs.ingestDir)).toEqual([]);
    s.close();
  });

  test("concurrent pulls of one image into one store: all succeed, one image, each layer unpacked once", async () => {
    const root = `${base}/concurrent`;
    const procs = [1, 2, 3, 4].map(() =>
      Bun.spawn([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, "pull", "-q", `${reg.host}/redis`], {
        env: { ...process.env, NSBOX_ROOT: root }, stdout: "pipe", stderr: "pipe",
      }),
    );
    const results = await Promise.all(procs.map(async (p) => [await p.exited, await new Response(p.stderr).text()]));
    expect(results).toEqual([[0, ""], [0, ""], [0, ""], [0, ""]]);
    const s = new ImageStore(`${root}/image`);
    s.warn = () => {};
    const images = s.list();
    expect(images.length).toBe(1);
    expect(fs.readdirSync(s.blobs.ingestDir)).toEqual([]);
    const layers = s.manifest(images[0]!).layers.length;
    const unpacked = fs.readdirSync(`${root}/image/layers`).filter((d) => !d.startsWith("."));
    expect(unpacked.length).toBe(layers);
    const r = await s.prepareRootfs(`${reg.host}/redis`, "cc1");
    expect(Bun.spawnSync(["chroot", r.rootfsPath, "redis-server", "--version"]).stdout.toString()).toContain("Redis server");
    await r.cleanup();
    s.close();
  }, 60_000);

  test("nsbox pull CLI: plain progress lines off a terminal", () => {
    const r = nsbox(["pull", `${reg.host}/busybox:latest`]);
    expect(r.exitCode).toBe(0);
    // docker's wording, all on stdout (image-pull-output.test.ts checks it line by line).
    expect(r.stdout.toString()).toMatch(/^latest: Pulling from busybox\n([a-f0-9]{12}: (Pulling fs layer|Verifying Checksum|Download complete|Pull complete)\n){4}Digest: sha256:[a-f0-9]{64}\nStatus: Downloaded newer image for .*busybox:latest\n.*busybox:latest\n$/);
    expect(r.stderr.toString()).toBe("");
  });
});

d("registry auth", () => {
  let tokenSrv: TokenServer, tokReg: TestRegistry, basicReg: TestRegistry;
  beforeAll(async () => {
    tokenSrv = await startTokenServer(base, { user: "alice", password: "s3cret" });
    tokReg = await startRegistry(`auth:\n  token:\n    realm: ${tokenSrv.realm}\n    service: nsbox-test\n    issuer: nsbox-test-issuer\n    rootcertbundle: ${tokenSrv.certFile}\n`);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${tokReg.host}/busybox:latest`, ["--dest-creds", "alice:s3cret"]);
    Bun.spawnSync(["htpasswd", "-Bbc", `${base}/htpasswd`, "bob", "hunter2"]);
    basicReg = await startRegistry(`auth:\n  htpasswd:\n    realm: basic-realm\n    path: ${base}/htpasswd\n`);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${basicReg.host}/busybox:latest`, ["--dest-creds", "bob:hunter2"]);
  }, 60_000);
  afterAll(() => {
    tokReg?.stop();
    basicReg?.stop();
    tokenSrv?.stop();
  });

  test("Bearer token auth: anonymous pull gets a pull token from the realm", async () => {
    const s = newStore();
    const { image } = await pullImage(s, `${tokReg.host}/busybox`);
    expect(image.names[0]).toBe(`${tokReg.host}/busybox:latest`);
    expect(tokenSrv.requests.some((q) => q.scope === "repository:busybox:pull" && q.service === "nsbox-test")).toBe(true);
  });

  test("Basic auth: refused without credentials, login stores them (0600), pull works, logout forgets", () => {
    const denied = nsbox(["pull", "-q", `${basicReg.host}/busybox`]);
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr.toString()).toBe(`nsbox: ${basicReg.host}: authentication required (nsbox login ${basicReg.host})\n`);
    const wrong = nsbox(["login", "-u", "bob", "-p", "wrong", basicReg.host]);
    expect([wrong.exitCode, wrong.stderr.toString()]).toEqual([1, `nsbox: ${basicReg.host}: unauthorized: wrong username or password\n`]);
    expect(fs.existsSync(`${base}/auth.json`)).toBe(false);
    const ok = Bun.spawnSync([`${top}/node_modules/.bin/bun`, `${top}/src/cli/main.ts`, "login", "-u", "bob", "--password-stdin", basicReg.host], { env: { ...process.env, NSBOX_AUTH_FILE: `${base}/auth.json` }, stdin: Buffer.from("hunter2\n") });
    expect(ok.exitCode).toBe(0);
    expect(fs.statSync(`${base}/auth.json`).mode & 0o777).toBe(0o600);
    expect(nsbox(["pull", "-q", `${basicReg.host}/busybox`]).exitCode).toBe(0);
    expect(nsbox(["logout", basicReg.host]).stdout.toString()).toBe(`Removing login credentials for ${basicReg.host}\n`);
    expect(JSON.parse(fs.readFileSync(`${base}/auth.json`, "utf8")).auths).toEqual({});
  });
});

afterAll(() => {
  for (const m of fs.readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const p = m.split(" ")[1];
    if (p?.startsWith(base)) Bun.spawnSync(["umount", "-l", p]);
  }
  fs.rmSync(base, { recursive: true, force: true });
});
