// --mount parsing (docker/cli's MountOpt) and checking (moby's validateMountConfig), --volumes-from
// specs, and the mount plan's precedence (volumes-from < -v/--mount < image VOLUME only where free),
// with docker's messages and exit codes; the volume commands' filter exit codes.
import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/common/errors.ts";
import { checkMount, cleanPath, csvFields, parseMountFlag, tmpfsData } from "../../src/engine/mount-spec.ts";
import { parseVolumesFrom, planMounts, specMounts, volumesFromMounts } from "../../src/engine/mount-plan.ts";
import { parseRunArgs } from "../../src/engine/run-options.ts";
import type { MountPoint } from "../../src/engine/types.ts";
import { volumeLsFilter, volumePruneFilter } from "../../src/engine/volume-filters.ts";

function refusal(f: () => unknown): { message: string; code: number } {
  try {
    f();
  } catch (err) {
    if (err instanceof UserError) return { message: err.message, code: err.exitCode };
    throw err;
  }
  throw new Error("not refused");
}

const flagErr = (v: string, why: string) => ({ message: `invalid argument "${v}" for "--mount" flag: ${why}`, code: 125 });
const volumeDir = (n: string) => `/vols/${n}/_data`;

describe("parseMountFlag (docker/cli MountOpt)", () => {
  test("keys, aliases, defaults and docker's field order", () => {
    expect(parseMountFlag("type=bind,source=/h,target=/c,readonly,bind-propagation=RSHARED")).toEqual({
      Type: "bind", Source: "/h", Target: "/c", ReadOnly: true, BindOptions: { Propagation: "rshared" },
    });
    expect(parseMountFlag("src=v1,dst=/d,volume-nocopy,volume-label=a=b=c")).toEqual({
      Type: "volume", Source: "v1", Target: "/d", VolumeOptions: { DriverConfig: {}, NoCopy: true, Labels: { a: "b=c" } },
    });
    expect(parseMountFlag("type=tmpfs,destination=/t,tmpfs-size=64m,tmpfs-mode=1770,ro=false")).toEqual({
      Type: "tmpfs", Target: "/t", ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * 2 ** 20, Mode: 0o1770 },
    });
    expect(parseMountFlag("TYPE=Bind,src=./x,dst=/c").Source).toBe(`${process.cwd()}/x`);
    expect(parseMountFlag('type=bind,"src=/a,b",dst=/c').Source).toBe("/a,b");
  });

  test("docker's flag errors, exit 125", () => {
    expect(refusal(() => parseMountFlag("type=bind,src=/h"))).toEqual(flagErr("type=bind,src=/h", "target is required"));
    expect(refusal(() => parseMountFlag("type=,dst=/x"))).toEqual(flagErr("type=,dst=/x", "type is required"));
    expect(refusal(() => parseMountFlag("dst=/x,bogus"))).toEqual(flagErr("dst=/x,bogus", "invalid field 'bogus' must be a key=value pair"));
    expect(refusal(() => parseMountFlag("dst=/x,colour=red"))).toEqual(flagErr("dst=/x,colour=red", "unexpected key 'colour' in 'colour=red'"));
    expect(refusal(() => parseMountFlag("dst=/x,ro=maybe"))).toEqual(flagErr("dst=/x,ro=maybe", "invalid value for ro: maybe"));
    expect(refusal(() => parseMountFlag("type=tmpfs,dst=/x,tmpfs-size=lots"))).toEqual(flagErr("type=tmpfs,dst=/x,tmpfs-size=lots", "invalid value for tmpfs-size: lots"));
    expect(refusal(() => parseMountFlag("type=tmpfs,dst=/x,tmpfs-mode=999"))).toEqual(flagErr("type=tmpfs,dst=/x,tmpfs-mode=999", "invalid value for tmpfs-mode: 999"));
    expect(refusal(() => parseMountFlag("type=bind,src=/h,dst=/x,volume-nocopy"))).toEqual(flagErr("type=bind,src=/h,dst=/x,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'"));
    expect(refusal(() => parseMountFlag("type=volume,dst=/x,tmpfs-size=1m"))).toEqual(flagErr("type=volume,dst=/x,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'volume'"));
    expect(refusal(() => parseMountFlag("type=volume,dst=/x,volume-opt=type=nfs")).message).toContain("volume-opt is not supported");
    expect(refusal(() => parseMountFlag('dst=/x,src=a"b')).message).toContain('bare " in non-quoted-field');
    expect(() => csvFields('"open')).toThrow("extraneous or missing");
  });
});

describe("checkMount (moby validateMountConfig)", () => {
  const err = (type: string, why: string) => ({ message: `invalid mount config for type "${type}": ${why}`, code: 125 });
  test("refusals", () => {
    expect(refusal(() => checkMount(parseMountFlag("type=bind,dst=/x")))).toEqual(err("bind", "field Source must not be empty"));
    expect(refusal(() => checkMount(parseMountFlag("type=bind,src=rel,dst=/x")))).toEqual(err("bind", "invalid mount path: 'rel' mount path must be absolute"));
    expect(refusal(() => checkMount(parseMountFlag("type=bind,src=/h,dst=x")))).toEqual(err("bind", "invalid mount path: 'x' mount path must be absolute"));
    expect(refusal(() => checkMount(parseMountFlag("type=volume,dst=/a/..")))).toEqual(err("volume", "invalid specification: destination can't be '/'"));
    expect(refusal(() => checkMount(parseMountFlag("type=bind,src=/h,dst=/x,bind-propagation=weird")))).toEqual(err("bind", "invalid propagation mode: weird"));
    expect(refusal(() => checkMount(parseMountFlag("type=volume,dst=/x,ro")))).toEqual(err("volume", "must not set ReadOnly mode when using anonymous volumes"));
    expect(refusal(() => checkMount(parseMountFlag("type=tmpfs,src=x,dst=/x")))).toEqual(err("tmpfs", "field Source must not be specified"));
    expect(refusal(() => checkMount(parseMountFlag("type=npipe,dst=/x")))).toEqual(err("npipe", "mount type unknown"));
    expect(refusal(() => checkMount(parseMountFlag("src=../up,dst=/x"))).message).toContain('"../up" includes invalid characters for a local volume name');
    expect(refusal(() => checkMount(parseMountFlag("src=v,dst=/x,volume-driver=nfs"))).code).toBe(125);
  });

  test("paths cleaned: .. never climbs above /", () => {
    expect(checkMount(parseMountFlag("type=bind,src=/tmp/../etc,dst=/../../x/./y/")).source).toBe("/etc");
    expect(checkMount(parseMountFlag("type=volume,src=vv,dst=/../../../x")).destination).toBe("/x");
    expect(cleanPath("/a//b/../c/")).toBe("/a/c");
  });

  test("tmpfs data as moby's ConvertTmpfsOptions", () => {
    expect(tmpfsData({ ReadOnly: true, TmpfsOptions: { Mode: 0o1770, SizeBytes: 3 * 2 ** 30 } })).toBe("ro,mode=1770,size=3g");
    expect(tmpfsData({ TmpfsOptions: { SizeBytes: 1536 } })).toBe("size=1536");
    expect(tmpfsData({ TmpfsOptions: { SizeBytes: 2048 } })).toBe("size=2k");
    expect(tmpfsData({})).toBe("");
  });
});

describe("--volumes-from and the mount plan", () => {
  const vol: MountPoint = { Type: "volume", Name: "shared", Source: volumeDir("shared"), Destination: "/data", Driver: "local", Mode: "z", RW: true, Propagation: "" };
  const bind: MountPoint = { Type: "bind", Source: "/h", Destination: "/h", Mode: "ro", RW: false, Propagation: "rprivate" };
  const tmpfs: MountPoint = { Type: "tmpfs", Source: "", Destination: "/t", Mode: "", RW: true, Propagation: "" };

  test("parseVolumesFrom: C, C:ro, C:rw; moby's refusals", () => {
    expect(parseVolumesFrom("db")).toEqual({ ref: "db", rw: true });
    expect(parseVolumesFrom("db:ro")).toEqual({ ref: "db", rw: false });
    expect(refusal(() => parseVolumesFrom("db:rshared"))).toEqual({ message: "invalid mode: rshared", code: 125 });
    expect(refusal(() => parseVolumesFrom("db:nocopy"))).toEqual({ message: "invalid mode: nocopy", code: 125 });
    expect(refusal(() => parseVolumesFrom(""))).toEqual({ message: "volumes-from specification cannot be an empty string", code: 125 });
  });

  test("volumesFromMounts: volumes and binds, :ro makes them read-only, a missing container is refused", () => {
    const lookup = (ref: string) => (ref === "c" ? [vol, bind, tmpfs] : undefined);
    expect(volumesFromMounts(["c:ro"], lookup)).toEqual([{ ...vol, RW: false }, bind]);
    expect(volumesFromMounts(["c"], lookup)).toEqual([vol, bind]); // a read-only one stays so
    expect(refusal(() => volumesFromMounts(["gone"], lookup))).toEqual({ message: "No such container: gone", code: 125 });
  });

  test("precedence: -v/--mount replace volumes-from; image VOLUMEs only where nothing is mounted", () => {
    const plan = planMounts({
      volumesFrom: [vol, bind],
      binds: ["/host:/data", "named:/n"],
      mounts: [parseMountFlag("type=tmpfs,dst=/tm"), parseMountFlag("dst=/anon")],
      tmpfs: { "/run": "" },
      imageVolumes: { "/data": {}, "/run/": {}, "/n": {}, "/img/": {} },
      volumeDir,
    });
    const points = plan.map((p) => p.point);
    expect(points.map((p) => [p.Destination, p.Type])).toEqual([
      ["/data", "bind"], ["/h", "bind"], ["/n", "volume"], ["/tm", "tmpfs"], ["/anon", "volume"], ["/img", "volume"],
    ]);
    expect(plan[0]).toMatchObject({ missingSource: "create" }); // -v makes a missing host directory
    expect(points[2]).toMatchObject({ Name: "named", Mode: "z", Source: volumeDir("named") });
    expect(plan[4]).toMatchObject({ anonymous: true, copy: true, point: { Mode: "z" } });
    expect(plan[5]).toMatchObject({ anonymous: true, copy: true, fromImage: true, point: { Mode: "", RW: true, Driver: "local" } });
    expect(plan[5]!.point.Name).toMatch(/^[0-9a-f]{64}$/);
    expect(plan[1]).toEqual({ point: bind }); // from the other container: nothing to make
  });

  test("duplicates among -v, --mount and --tmpfs are docker's error", () => {
    const dup = (msg: string) => ({ message: `Duplicate mount point: ${msg}`, code: 125 });
    expect(refusal(() => planMounts({ binds: ["/a:/x"], mounts: [parseMountFlag("dst=/x/")], volumeDir }))).toEqual(dup("/x/"));
    expect(refusal(() => planMounts({ binds: ["/a:/x"], tmpfs: { "/x": "" }, volumeDir }))).toEqual(dup("/x"));
    expect(planMounts({ binds: ["/a:/x"], mounts: [parseMountFlag("dst=/y")], tmpfs: { "/z": "" }, volumeDir })).toHaveLength(2);
  });

  test("specMounts: tmpfs options, propagation, non-recursive binds", () => {
    const given = [parseMountFlag("type=tmpfs,dst=/t,tmpfs-size=1m,ro"), parseMountFlag("type=bind,src=/h,dst=/h,bind-nonrecursive,bind-propagation=rslave")];
    const plan = planMounts({ mounts: given, volumeDir }).map((p) => p.point);
    expect(specMounts({ Mounts: plan, HostConfig: { Mounts: given, Tmpfs: { "/old": "size=1k" } } as never })).toEqual([
      { destination: "/t", type: "tmpfs", source: "tmpfs", options: ["noexec", "nosuid", "nodev", "rprivate", "ro", "size=1m"] },
      { destination: "/h", type: "bind", source: "/h", options: ["bind", "rw", "rslave"] },
      { destination: "/old", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "size=1k"] },
    ]);
  });
});

test("run/create: --mount into HostConfig.Mounts, --volumes-from kept, a bad --mount exits 125", () => {
  const host = parseRunArgs(["--mount", "type=bind,src=/h,dst=/c", "--volumes-from", "db:ro", "busybox"], "create").request.HostConfig!;
  expect(host.Mounts).toEqual([{ Type: "bind", Source: "/h", Target: "/c" }]);
  expect(host.VolumesFrom).toEqual(["db:ro"]);
  const none = parseRunArgs(["busybox"], "run").request.HostConfig!;
  expect("Mounts" in none).toBe(false); // docker's omitempty
  expect(none.VolumesFrom).toBeNull();
  expect(refusal(() => parseRunArgs(["--mount", "type=bind", "busybox"], "run")).code).toBe(125);
});

test("volume ls/prune: an unknown filter key is exit 1 (docker's daemon error), a malformed one stays 125", () => {
  expect(refusal(() => volumeLsFilter(["until=1h"]))).toEqual({ message: "invalid filter 'until'", code: 1 });
  expect(refusal(() => volumePruneFilter(["dangling=true"]))).toEqual({ message: "invalid filter 'dangling'", code: 1 });
  expect(refusal(() => volumeLsFilter(["dangling"])).code).toBe(125);
});
