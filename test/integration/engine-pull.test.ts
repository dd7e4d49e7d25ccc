// An image that is not present is pulled (with docker's progress lines on stderr) by run/create,
// from a real registry (Debian's docker-registry on 127.0.0.1, the busybox layout pushed by skopeo).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { EngineLab, top } from "./engine-util.ts";
import { have, skopeoCopy, startRegistry, type TestRegistry } from "./image-registry-fixture.ts";

let lab: EngineLab;
let reg: TestRegistry;
const ready = have("docker-registry") && have("skopeo");

beforeAll(async () => {
  lab = new EngineLab([]);
  if (!ready) return;
  reg = await startRegistry();
  await skopeoCopy(`oci:${join(top, "build/images/busybox")}:latest`, `docker://${reg.host}/tools/busybox:1.0`);
});
afterAll(async () => {
  reg?.stop();
  await lab.destroy();
});

test.skipIf(!ready)("run pulls a missing image, shows progress on stderr, then runs it", () => {
  const ref = `${reg.host}/tools/busybox:1.0`;
  const r = lab.nsbox(["run", "--rm", "--net", "none", ref, "echo", "pulled and ran"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("pulled and ran\n");
  expect(r.stderr).toMatch(new RegExp(`^Unable to find image '${ref}' locally\\n1\\.0: Pulling from tools/busybox\\n`));
  expect(r.stderr).toMatch(/: Pull complete\n/);
  expect(r.stderr).toMatch(new RegExp(`Digest: sha256:[0-9a-f]{64}\\nStatus: Downloaded newer image for ${ref}\\n$`));
  // present now: no pull the second time
  expect(lab.nsbox(["run", "--rm", "--net", "none", ref, "true"])).toMatchObject({ code: 0, stderr: "" });
});
