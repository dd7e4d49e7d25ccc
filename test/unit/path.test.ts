// resolvePath (src/common/path.ts) gives node:path's posix resolve results without loading it.
import { expect, test } from "bun:test";
import { posix } from "node:path";
import { resolvePath } from "../../src/common/path.ts";

const cases: string[][] = [
  ["/home/u", "net"],
  ["/home/u", "./a/b/"],
  ["/home/u", "../../../../x"],
  ["/home/u", "/proc"],
  ["/home/u", "//proc//self/./ns/"],
  ["/home/u", ""],
  ["/", "proc"],
  ["/", "/"],
  ["/srv/root", "./etc/../var"],
  ["/srv/root", "./"],
  ["/a", "b", "/c", "d/..", "e"],
  ["/a/b/c", "..", "..", ".."],
  ["/a", "b c", "ä"],
  ["/a", ".hidden", "..."],
  ["relative/dir", "x"],
  ["x"],
  [""],
  [],
];

test.each(cases.map((c) => [c]))("resolvePath(%j) is posix.resolve's result", (args) => {
  expect(resolvePath(...args)).toBe(posix.resolve(...args));
});
