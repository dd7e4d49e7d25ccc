import { expect, test } from "bun:test";
import { readTar } from "../../src/image/tar/reader.ts";
import { buildTar } from "../../src/image/tar/writer.ts";

async function* once(b: Buffer) {
  yield b;
}
async function entries(b: Buffer) {
  const out = [];
  for await (const e of readTar(once(b))) {
    const chunks = [];
    for await (const c of e.body()) chunks.push(c);
    out.push({ ...e, data: Buffer.concat(chunks).toString() });
  }
  return out;
}

test("round trip: long names (pax), xattrs, links, big ids, fractional mtimes", async () => {
  const long = "d/".repeat(80) + "file";
  const tar = buildTar([
    { entry: { name: long, mode: 0o4755, uid: 3_000_000, gid: 5, mtime: 1.5, xattrs: new Map([["security.capability", Buffer.from([0, 1, 2, 0xff])]]) }, data: "hello" },
    { entry: { name: "ln", type: "symlink", linkname: "x".repeat(150) } },
    { entry: { name: "dir/", type: "dir", mode: 0o700 } },
  ]);
  const e = await entries(tar);
  expect(e.map((x) => [x.name, x.type, x.data])).toEqual([[long, "file", "hello"], ["ln", "symlink", ""], ["dir/", "dir", ""]]);
  expect([e[0]!.mode, e[0]!.uid, e[0]!.mtime]).toEqual([0o4755, 3_000_000, 1.5]);
  expect(e[0]!.xattrs.get("security.capability")).toEqual(Buffer.from([0, 1, 2, 0xff]));
  expect(e[1]!.linkname).toBe("x".repeat(150));
});

test("reads archives made by GNU tar (gnu and posix formats)", async () => {
  const dir = `${process.env.TMPDIR ?? "/tmp"}/nsbox-tar-${process.pid}`;
  Bun.spawnSync(["sh", "-c", `rm -rf ${dir}; mkdir -p ${dir}/a/${"long".repeat(40)} && echo data > ${dir}/a/${"long".repeat(40)}/f && ln -s f ${dir}/a/s`]);
  for (const fmt of ["gnu", "posix"]) {
    const tar = Buffer.from(Bun.spawnSync(["tar", `--format=${fmt}`, "-C", dir, "-cf", "-", "a"]).stdout);
    const e = await entries(tar);
    const f = e.find((x) => x.name.endsWith("/f"))!;
    expect(f.name).toBe(`a/${"long".repeat(40)}/f`);
    expect(f.data).toBe("data\n");
    expect(e.find((x) => x.name === "a/s")!.linkname).toBe("f");
  }
  Bun.spawnSync(["rm", "-rf", dir]);
});

test("header-only types carry no data, whatever their size field says", async () => {
  const tar = buildTar([{ entry: { name: "l", type: "link", linkname: "f" } }, { entry: { name: "f" }, data: "abc" }]);
  expect((await entries(tar)).map((x) => x.data)).toEqual(["", "abc"]);
});
