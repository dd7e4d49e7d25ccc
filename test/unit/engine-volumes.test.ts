// The pure half of volumes: `-v` specifications, docker's volume-name rule, and the filters of
// `volume ls` and `volume prune` (docker 23+: prune takes anonymous volumes only unless all).
import { describe, expect, test } from "bun:test";
import { labelMap } from "../../src/common/labels.ts";
import { volumeLsFilter, volumePruneFilter } from "../../src/engine/volume-filters.ts";
import { ANONYMOUS_LABEL, checkVolumeName, parseBind, parseBinds } from "../../src/engine/volume-spec.ts";
import type { Volume } from "../../src/engine/volumes.ts";

const vol = (Name: string, Labels: Record<string, string> | null = null): Volume => ({
  CreatedAt: "2024-01-01T00:00:00Z", Driver: "local", Labels, Mountpoint: `/r/volumes/${Name}/_data`, Name, Options: null, Scope: "local",
});

describe("volume names", () => {
  test("docker's local-driver rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+", () => {
    for (const ok of ["db", "my-vol_1.x", "0a"]) expect(checkVolumeName(ok)).toBe(ok);
    for (const bad of ["a", "-x", ".x", "a/b", "a b", "", "é1"]) expect(() => checkVolumeName(bad)).toThrow("includes invalid characters for a local volume name");
  });
  test("the refusal is docker's line, exit 1 (125 from -v)", () => {
    const line = 'create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path';
    expect(() => checkVolumeName("a/b")).toThrow(expect.objectContaining({ message: line, exitCode: 1 }));
    expect(() => parseBind("a/b:/x")).toThrow(expect.objectContaining({ exitCode: 125 }));
  });
});

describe("-v specifications", () => {
  test("HOST:CTR[:MODE] is a bind mount", () => {
    expect(parseBind("/h:/c:ro")).toEqual({ kind: "bind", source: "/h", destination: "/c", mode: "ro", rw: false });
    expect(parseBind("/h:/c")).toMatchObject({ kind: "bind", rw: true, mode: "" });
  });
  test("NAME:CTR is a named volume, copied up unless nocopy", () => {
    expect(parseBind("data:/var/lib/db")).toEqual({ kind: "volume", name: "data", anonymous: false, destination: "/var/lib/db", mode: "", rw: true, copy: true });
    expect(parseBind("data:/d:ro,nocopy")).toMatchObject({ rw: false, copy: false });
  });
  test("a lone absolute path is an anonymous volume with a 64-hex name", () => {
    const a = parseBind("/data");
    expect(a).toMatchObject({ kind: "volume", anonymous: true, destination: "/data", rw: true, copy: true });
    expect((a as { name: string }).name).toMatch(/^[0-9a-f]{64}$/);
    expect((parseBind("/data") as { name: string }).name).not.toBe((a as { name: string }).name);
  });
  test("malformed specs, unknown modes, nocopy on a bind, duplicate destinations are refused (125)", () => {
    for (const bad of ["data", "data:rel", ":/x", "a:/b:c:d"]) expect(() => parseBind(bad)).toThrow(`invalid volume specification: '${bad}'`);
    expect(() => parseBind("v:/x:bogus")).toThrow("invalid mode: bogus");
    expect(() => parseBind("/h:/x:nocopy")).toThrow("invalid mode: nocopy");
    expect(() => parseBinds(["a1:/x", "/h:/x/"])).toThrow("Duplicate mount point: /x");
    expect(parseBinds(null)).toEqual([]);
  });
});

describe("volume ls filters", () => {
  const named = vol("web-data", { env: "prod" });
  const anon = vol("f".repeat(64), { [ANONYMOUS_LABEL]: "" });
  test("dangling=true: used by no container; false: used", () => {
    expect(volumeLsFilter(["dangling=true"])(named, false)).toBe(true);
    expect(volumeLsFilter(["dangling=true"])(named, true)).toBe(false);
    expect(volumeLsFilter(["dangling=0"])(named, true)).toBe(true);
    expect(() => volumeLsFilter(["dangling=maybe"])).toThrow("invalid filter 'dangling=maybe'");
  });
  test("name= matches part of the name; label=, label!=, driver=", () => {
    expect(volumeLsFilter(["name=data"])(named, false)).toBe(true);
    expect(volumeLsFilter(["name=nope"])(named, false)).toBe(false);
    expect(volumeLsFilter(["label=env=prod"])(named, false)).toBe(true);
    expect(volumeLsFilter(["label=env=dev"])(named, false)).toBe(false);
    expect(volumeLsFilter([`label!=${ANONYMOUS_LABEL}`])(anon, false)).toBe(false);
    expect(volumeLsFilter(["driver=local"])(anon, false)).toBe(true);
    expect(volumeLsFilter(["driver=nfs"])(anon, false)).toBe(false);
    expect(() => volumeLsFilter(["until=1h"])).toThrow("invalid filter 'until'");
  });
});

describe("volume prune filter", () => {
  const named = vol("keepme", { team: "a" });
  const anon = vol("a".repeat(64), { [ANONYMOUS_LABEL]: "", team: "a" });
  test("anonymous only by default; all (flag or all=true) takes named ones too", () => {
    expect(volumePruneFilter([])(anon)).toBe(true);
    expect(volumePruneFilter([])(named)).toBe(false);
    expect(volumePruneFilter([], true)(named)).toBe(true);
    expect(volumePruneFilter(["all=true"])(named)).toBe(true);
    expect(volumePruneFilter(["all=false"])(named)).toBe(false);
  });
  test("label= and label!= narrow it; until is not a volume filter", () => {
    expect(volumePruneFilter(["label=team=a"])(anon)).toBe(true);
    expect(volumePruneFilter(["label!=team"])(anon)).toBe(false);
    expect(() => volumePruneFilter(["until=1h"])).toThrow("invalid filter 'until'");
  });
});

test("--label K=V and bare K (value \"\")", () => {
  expect(labelMap(["a=b", "c", "d=e=f"])).toEqual({ a: "b", c: "", d: "e=f" });
});
