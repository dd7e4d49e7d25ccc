// What `nsbox pull` prints off a terminal, line for line as docker's pull does (all on stdout): the
// default tag, the repository path as the registry sees it (docker.io names with library/), the
// layer states docker shows without byte counts, the digest, downloaded vs up to date, then the full
// reference. A real registry (Debian's docker-registry) stands in for docker.io as its mirror.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { NSBOX } from "../helpers/cli.ts";
import { describeWithTools, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";
import { tempDir } from "./image-fixtures.ts";

const images = `${import.meta.dir}/../../build/images`;
const d = describeWithTools("image-pull-output", ["docker-registry", "skopeo"]);

const base = tempDir("pullout");
let reg: TestRegistry;
const nsbox = (root: string, args: string[]) => {
  const p = Bun.spawnSync([...NSBOX, ...args], {
    env: { ...process.env, NSBOX_ROOT: `${base}/${root}`, NSBOX_REGISTRIES: `${base}/registries.json` },
    stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};
const DIGEST = /^Digest: (sha256:[0-9a-f]{64})$/;

d("pull's output", () => {
  beforeAll(async () => {
    reg = await startRegistry();
    // The local registry is docker.io's mirror, so "alpine" resolves as docker's would.
    fs.writeFileSync(`${base}/registries.json`, JSON.stringify({ mirrors: { "docker.io": [`http://${reg.host}`] } }));
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${reg.host}/library/alpine:latest`);
    await skopeoCopy(`oci:${images}/busybox:latest`, `docker://${reg.host}/tools/box:1.0`);
  }, 60_000);
  afterAll(() => {
    reg?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test("a docker.io name without a tag: default tag, library/ path, layer states, full reference last", () => {
    const r = nsbox("a", ["pull", "alpine"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    const lines = r.out.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["Using default tag: latest", "latest: Pulling from library/alpine"]);
    const layerLines = lines.slice(2, -3);
    const id = layerLines[0]!.slice(0, 12);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(layerLines).toEqual(["Pulling fs layer", "Verifying Checksum", "Download complete", "Pull complete"].map((s) => `${id}: ${s}`));
    expect(lines.at(-3)).toMatch(DIGEST);
    expect(lines.slice(-2)).toEqual(["Status: Downloaded newer image for alpine:latest", "docker.io/library/alpine:latest"]);
  });

  test("pulled again: no layer lines, 'Image is up to date'; -q prints only the full reference", () => {
    const r = nsbox("a", ["pull", "alpine:latest"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("latest: Pulling from library/alpine");
    expect(lines[1]).toMatch(DIGEST);
    expect(lines.slice(2)).toEqual(["Status: Image is up to date for alpine:latest", "docker.io/library/alpine:latest"]);
    expect(nsbox("a", ["pull", "-q", "alpine"])).toMatchObject({ code: 0, out: "docker.io/library/alpine:latest\n", err: "" });
  });

  test("another registry: its path without the host; by digest, the digest names the pull", () => {
    const r = nsbox("b", ["pull", `${reg.host}/tools/box:1.0`]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("1.0: Pulling from tools/box");
    const digest = DIGEST.exec(lines.at(-3)!)![1];
    expect(lines.slice(-2)).toEqual([`Status: Downloaded newer image for ${reg.host}/tools/box:1.0`, `${reg.host}/tools/box:1.0`]);
    const byDigest = nsbox("c", ["pull", `${reg.host}/tools/box@${digest}`]).out.trimEnd().split("\n");
    expect(byDigest[0]).toBe(`${digest}: Pulling from tools/box`);
    expect(byDigest.slice(-2)).toEqual([`Status: Downloaded newer image for ${reg.host}/tools/box@${digest}`, `${reg.host}/tools/box@${digest}`]);
  });
});
