// docker's pull wording around the layer lines, from a parsed reference.
import { expect, test } from "bun:test";
import { isNameOnly, pullFooter, pullHeader } from "../../src/image/cli/pull-report.ts";
import { parseReference } from "../../src/image/reference.ts";

const D = `sha256:${"ab".repeat(32)}` as const;
const header = (s: string) => pullHeader(s, parseReference(s));

test("name only: no tag, no digest (a registry port is not a tag)", () => {
  expect(["alpine", "user/app", "localhost:5000/a/b"].map(isNameOnly)).toEqual([true, true, true]);
  expect(["alpine:3", `alpine@${D}`, "localhost:5000/a:1"].map(isNameOnly)).toEqual([false, false, false]);
});

test("header: default tag, then the path as the registry sees it", () => {
  expect(header("alpine")).toEqual(["Using default tag: latest", "latest: Pulling from library/alpine"]);
  expect(header("user/app:1.0")).toEqual(["1.0: Pulling from user/app"]);
  expect(header("localhost:5000/a/b")).toEqual(["Using default tag: latest", "latest: Pulling from a/b"]);
  expect(header(`alpine@${D}`)).toEqual([`${D}: Pulling from library/alpine`]);
});

test("footer: digest, downloaded or up to date for the familiar name, the full reference last", () => {
  expect(pullFooter(parseReference("alpine"), D, false)).toEqual([`Digest: ${D}`, "Status: Downloaded newer image for alpine:latest", "docker.io/library/alpine:latest"]);
  expect(pullFooter(parseReference("localhost:5000/a:1"), D, true)).toEqual([`Digest: ${D}`, "Status: Image is up to date for localhost:5000/a:1", "localhost:5000/a:1"]);
});
