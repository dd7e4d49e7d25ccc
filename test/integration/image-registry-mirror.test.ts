// Registry mirrors from config ($NSBOX_REGISTRIES): a pull of ORIGIN/name:tag asks the mirror (a
// second real docker-registry) first and falls back to the origin when the mirror lacks the image
// or is down. The origin and the mirror hold different manifests (Docker schema2 vs OCI) under the
// same name, so the digest pulled shows which registry answered.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { ImageStore } from "../../src/image/index.ts";
import { pullImage } from "../../src/image/registry/pull.ts";
import { describeWithTools, freePort, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";
import { tempDir } from "./image-fixtures.ts";

const images = `${import.meta.dir}/../../build/images`;
const d = describeWithTools("image-registry-mirror", ["docker-registry", "skopeo"]);

const base = tempDir("regmirror");
let origin: TestRegistry;
let mirror: TestRegistry;
let n = 0;
const newStore = () => {
  const s = new ImageStore(`${base}/store${++n}`);
  s.warn = () => {};
  return s;
};
const configure = (mirrors: Record<string, string[]>) => {
  fs.writeFileSync(`${base}/registries.json`, JSON.stringify({ mirrors }));
  process.env.NSBOX_REGISTRIES = `${base}/registries.json`;
};

d("registry mirrors", () => {
  let originDigest: string;
  let mirrorDigest: string;
  beforeAll(async () => {
    [origin, mirror] = await Promise.all([startRegistry(), startRegistry()]);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${origin.host}/tools/busybox:latest`, ["--format", "v2s2"]);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${mirror.host}/tools/busybox:latest`);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${origin.host}/tools/only-origin:latest`, ["--format", "v2s2"]);
    configure({});
    originDigest = (await pullImage(newStore(), `${origin.host}/tools/busybox:latest`)).digest;
    mirrorDigest = (await pullImage(newStore(), `${mirror.host}/tools/busybox:latest`)).digest;
    expect(originDigest).not.toBe(mirrorDigest);
  }, 60_000);
  afterEach(() => delete process.env.NSBOX_REGISTRIES);
  afterAll(() => {
    origin?.stop();
    mirror?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test("a mirrored host's image comes from the mirror", async () => {
    configure({ [origin.host]: [`http://${mirror.host}`] });
    const s = newStore();
    const { digest, image } = await pullImage(s, `${origin.host}/tools/busybox:latest`);
    expect(digest).toBe(mirrorDigest);
    expect(image.names).toContain(`${origin.host}/tools/busybox:latest`); // named after the origin, not the mirror
  });

  test("falls back to the origin when the mirror lacks the image, or is down", async () => {
    configure({ [origin.host]: [`http://${mirror.host}`] });
    expect((await pullImage(newStore(), `${origin.host}/tools/only-origin:latest`)).image.names).toContain(`${origin.host}/tools/only-origin:latest`);
    configure({ [origin.host]: [`http://127.0.0.1:${freePort()}`] });
    expect((await pullImage(newStore(), `${origin.host}/tools/busybox:latest`)).digest).toBe(originDigest);
  });

  test("mirrors of another host are not used", async () => {
    configure({ "registry.example:5000": [`http://${mirror.host}`] });
    expect((await pullImage(newStore(), `${origin.host}/tools/busybox:latest`)).digest).toBe(originDigest);
  });
});
