// The one relative-time wording (docker's go-units HumanDuration) used by images, ps, history, network ls.
import { expect, test } from "bun:test";
import { humanDuration, timeAgo } from "../../src/image/cli/format.ts";

test("humanDuration follows go-units: seconds and minutes truncated, hours rounded", () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  const cases: [number, string][] = [
    [-5 * s, "Less than a second"], [999, "Less than a second"], [1 * s, "1 second"], [1999, "1 second"],
    [59 * s, "59 seconds"], [60 * s, "About a minute"], [119 * s, "About a minute"], [2 * m, "2 minutes"],
    [59 * m, "59 minutes"], [60 * m, "About an hour"], [89 * m, "About an hour"], [90 * m, "2 hours"],
    [47 * h, "47 hours"], [48 * h, "2 days"], [13 * d, "13 days"], [14 * d, "2 weeks"], [59 * d, "8 weeks"],
    [60 * d, "2 months"], [729 * d, "24 months"], [730 * d, "2 years"],
  ];
  for (const [ms, text] of cases) expect([ms, humanDuration(ms)]).toEqual([ms, text]);
});

test("timeAgo is HumanDuration + ago (ps CREATED, images CREATED), N/A for no time", () => {
  const now = Date.parse("2026-01-01T00:10:00Z");
  expect(timeAgo("2026-01-01T00:09:59Z", now)).toBe("1 second ago");
  expect(timeAgo("2026-01-01T00:09:00Z", now)).toBe("About a minute ago");
  expect(timeAgo(now - 500, now)).toBe("Less than a second ago");
  expect(timeAgo(now - 3_600_000, now)).toBe("About an hour ago");
  expect(timeAgo("not a date", now)).toBe("N/A");
});
