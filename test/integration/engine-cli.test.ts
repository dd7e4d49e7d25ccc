// The engine CLI's docker-compatible edges, with real containers: prune filters and confirmation,
// error lines, terminals refused off a terminal, help and global flags, load's output.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EngineLab } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

const create = (...args: string[]) => lab.ok(["create", "--net", "none", ...args, "busybox", "true"]);
const names = () => lab.ok(["ps", "-a", "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort();

test("container prune --filter: label=K=V, label!=K, until=TIMESTAMP select what goes; running ones stay", async () => {
  create("--name", "p-no", "--label", "keep=no");
  create("--name", "p-yes", "--label", "keep=yes");
  create("--name", "p-none");
  lab.ok(["run", "-d", "--name", "p-up", "--net", "none", "--label", "keep=no", "busybox", "sleep", "30"]);
  let r = lab.nsbox(["container", "prune", "-f", "--filter", "label=keep=no"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
  expect(names()).toEqual(["p-none", "p-up", "p-yes"]);
  expect(lab.ok(["container", "prune", "-f", "--filter", "label!=keep"])).toContain("Deleted Containers:");
  expect(names()).toEqual(["p-up", "p-yes"]);

  await Bun.sleep(20);
  const until = (Date.now() / 1000).toFixed(3); // unix seconds: p-yes was created before, p-new after
  await Bun.sleep(20);
  create("--name", "p-new");
  lab.ok(["container", "prune", "-f", "--filter", `until=${until}`]);
  expect(names()).toEqual(["p-new", "p-up"]);

  r = lab.nsbox(["container", "prune", "-f", "--filter", "name=p-new"]);
  expect([r.code, r.stderr]).toEqual([125, "nsbox: invalid filter 'name'\n"]);
  expect(names()).toEqual(["p-new", "p-up"]);
  lab.ok(["rm", "-f", "p-new", "p-up"]);
}, 20000);
