// The engine's init layer (src/engine/init-layer.ts): empty /etc/hosts, /etc/hostname and
// /etc/resolv.conf laid over an image whose tree allows it, so the bind mounts every container
// gets need nothing made in its writable layer; an image where they would change the tree (here
// /etc/resolv.conf a symlink) gets none and its targets are made in the writable layer as before.
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import { EngineLab, top } from "./engine-util.ts";

const lab = new EngineLab();
afterAll(() => lab.destroy());
const upper = (id: string) => `${lab.root}/image/containers/${id}/upper`;

test("busybox: the bind-mount targets come from the init layer, the writable layer stays empty", () => {
  const id = lab.ok(["run", "-d", "--name", "plain", "--net", "none", "busybox", "sleep", "60"]);
  expect(readdirSync(upper(id))).toEqual([]);
  expect(lab.ok(["exec", "plain", "cat", "/etc/hostname"])).toBe(id.slice(0, 12));
  expect(lab.ok(["exec", "plain", "cat", "/etc/hosts"])).toContain("localhost");
  // The image's /etc is all there, with its mode: the layer only adds the three targets.
  expect(lab.ok(["exec", "plain", "ls", "/etc"]).split(/\s+/).sort()).toEqual(["group", "hostname", "hosts", "passwd", "resolv.conf"]);
  expect(lab.ok(["exec", "plain", "stat", "-c", "%a %u %g", "/etc"])).toBe("755 0 0");
  // Written files still go to the container's own layer.
  lab.ok(["exec", "plain", "sh", "-c", "echo x > /etc/mine"]);
  expect(readdirSync(`${upper(id)}/etc`)).toEqual(["mine"]);
  lab.ok(["rm", "-f", "plain"]);
  expect(existsSync(`${lab.root}/image/containers/${id}`)).toBe(false);
});

test("an image whose /etc/resolv.conf is a symlink keeps it: no init layer, targets made as before", () => {
  const tree = `${lab.root}/symlinked`;
  cpSync(`${top}/build/rootfs/busybox`, tree, { recursive: true, verbatimSymlinks: true });
  symlinkSync("../run/resolv.conf", `${tree}/etc/resolv.conf`);
  const tar = `${lab.root}/symlinked.tar`;
  expect(Bun.spawnSync(["tar", "-C", tree, "-cf", tar, "."]).exitCode).toBe(0);
  lab.ok(["import", tar, "symlinked:1"]);
  const id = lab.ok(["create", "--name", "sym", "--net", "none", "symlinked:1", "sleep", "60"]);
  const merged = lab.inspect("sym").GraphDriver.Data.MergedDir;
  expect(readlinkSync(`${merged}/etc/resolv.conf`)).toBe("../run/resolv.conf");
  expect(existsSync(`${merged}/etc/hosts`)).toBe(false); // nothing laid over this image
  lab.ok(["start", "sym"]);
  expect(lab.ok(["exec", "sym", "cat", "/etc/hostname"])).toBe(id.slice(0, 12));
  expect(lstatSync(`${upper(id)}/etc/hostname`).isFile()).toBe(true); // made by the runtime, as before
  expect(readFileSync(`${lab.run}/containers/${id}/hostname`, "utf8")).toBe(`${id.slice(0, 12)}\n`);
  lab.ok(["rm", "-f", "sym"]);
});
