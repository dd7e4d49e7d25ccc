import { describe, expect, test } from "bun:test";
import { familiarName, formatReference, parseReference } from "../../src/image/reference.ts";
import { parsePlatform, pickManifest } from "../../src/image/platform.ts";
import { applyChanges } from "../../src/image/archive/import.ts";
import { parseChallenge } from "../../src/image/registry/auth.ts";
import { overlayOptions } from "../../src/image/store/rootfs.ts";
import { cleanEntryPath } from "../../src/image/safepath.ts";

const D = "sha256:" + "a".repeat(64);

describe("references are normalized like docker's", () => {
  const cases: [string, string][] = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["user/app", "docker.io/user/app:latest"],
    ["index.docker.io/library/redis:7", "docker.io/library/redis:7"],
    ["localhost/x", "localhost/x:latest"],
    ["localhost:5000/a/b:t", "localhost:5000/a/b:t"],
    ["127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest"],
    [`reg.example.com/x@${D}`, `reg.example.com/x@${D}`],
    [`reg.example.com/x:tag@${D}`, `reg.example.com/x:tag@${D}`],
  ];
  for (const [input, want] of cases) test(input, () => expect(formatReference(parseReference(input))).toBe(want));

  test("invalid references are refused with a reason", () => {
    expect(() => parseReference("Busybox")).toThrow(/lowercase/);
    expect(() => parseReference("busybox:bad/tag:x")).toThrow(/invalid/);
    expect(() => parseReference("x@sha256:1234")).toThrow(/invalid digest/);
    expect(() => parseReference("")).toThrow(/invalid reference/);
    expect(() => parseReference("a//b")).toThrow(/invalid repository/);
  });

  test("familiar names as docker prints them", () => {
    expect(familiarName("docker.io/library/busybox:latest")).toBe("busybox:latest");
    expect(familiarName("docker.io/user/app:1")).toBe("user/app:1");
    expect(familiarName(`localhost:5000/x@${D}`)).toBe(`localhost:5000/x@${D}`);
  });
});

describe("platforms", () => {
  const m = (architecture: string, variant?: string) => ({ mediaType: "x", digest: D as `sha256:${string}`, size: 1, platform: { os: "linux", architecture, ...(variant ? { variant } : {}) } });
  test("picks the wanted platform, not the first entry; arm64 variant defaults to v8", () => {
    const list = [m("arm64"), m("amd64"), m("arm", "v6"), m("arm", "v7")];
    expect(pickManifest(list, parsePlatform("linux/amd64"))).toBe(list[1]!);
    expect(pickManifest(list, parsePlatform("linux/arm64/v8"))).toBe(list[0]!);
    expect(pickManifest(list, parsePlatform("linux/arm/v7"))).toBe(list[3]!);
    expect(() => pickManifest(list, parsePlatform("linux/ppc64le"))).toThrow(/offered: linux\/arm64, linux\/amd64, linux\/arm\/v6, linux\/arm\/v7/);
    expect(() => parsePlatform("linux/")).toThrow(/invalid platform/);
  });
});

test("--change instructions", () => {
  const c = applyChanges({}, ["CMD echo hi", 'ENTRYPOINT ["/bin/sh", "-c"]', "ENV A=1 B=\"two words\"", "ENV C 3", "WORKDIR /srv", "EXPOSE 80 53/udp", "USER nobody", "LABEL a=b", "STOPSIGNAL SIGQUIT", "VOLUME /data"]);
  expect(c).toEqual({
    Cmd: ["/bin/sh", "-c", "echo hi"], Entrypoint: ["/bin/sh", "-c"], Env: ["A=1", "B=two words", "C=3"], WorkingDir: "/srv",
    ExposedPorts: { "80/tcp": {}, "53/udp": {} }, User: "nobody", Labels: { a: "b" }, StopSignal: "SIGQUIT", Volumes: { "/data": {} },
  });
  expect(() => applyChanges({}, ["RUN rm -rf /"])).toThrow(/unsupported instruction 'RUN'/);
  expect(() => applyChanges({}, ["EXPOSE http"])).toThrow(/invalid port/);
});

test("WWW-Authenticate challenges", () => {
  expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
    scheme: "bearer", params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push" },
  });
  expect(parseChallenge('Basic realm="x"').scheme).toBe("basic");
});

test("overlay mount options list the top layer first and refuse unsafe paths", () => {
  expect(overlayOptions(["/l/bottom", "/l/top"], "/c/up", "/c/work")).toBe("lowerdir=/l/top:/l/bottom,upperdir=/c/up,workdir=/c/work");
  expect(() => overlayOptions(["/a,b"], "/u", "/w")).toThrow(/can't carry/);
});

test("entry paths are cleaned; climbing out of the root is refused", () => {
  expect(cleanEntryPath("./a//b/./c/")).toEqual(["a", "b", "c"]);
  expect(cleanEntryPath("/etc/passwd")).toEqual(["etc", "passwd"]);
  expect(cleanEntryPath("a/../b")).toEqual(["b"]);
  expect(cleanEntryPath("./")).toEqual([]);
  expect(() => cleanEntryPath("a/../../b")).toThrow(/outside the root/);
});
