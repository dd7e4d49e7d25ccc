// docker's --filter lists (src/common/filters.ts): parsing, moby's label / label! rules, until.
import { expect, test } from "bun:test";
import { matchLabels, parseFilters, parseTimestamp, pruneFilter } from "../../src/common/filters.ts";

test("parseFilters: the key ends at the first '='; unknown keys and missing '=' are refused", () => {
  const f = parseFilters(["label=keep=no", "label!=a=b", "label=x"], ["label", "label!"]);
  expect([...f]).toEqual([["label", ["keep=no", "x"]], ["label!", ["a=b"]]]);
  expect(() => parseFilters(["name=x"], ["label"])).toThrow("invalid filter 'name'");
  expect(() => parseFilters(["label"], ["label"])).toThrow("bad format of filter (expected name=value): label");
});

test("labels: every label= must hold; label!= excludes only when all of them hold", () => {
  const m = (filters: string[], labels: Record<string, string>) => matchLabels(parseFilters(filters, ["label", "label!"]), labels);
  expect(m([], {})).toBe(true);
  expect(m(["label=keep"], { keep: "no" })).toBe(true);
  expect(m(["label=keep=no"], { keep: "no" })).toBe(true);
  expect(m(["label=keep=no"], { keep: "yes" })).toBe(false);
  expect(m(["label=keep=no"], {})).toBe(false);
  expect(m(["label=keep", "label=tier"], { keep: "no" })).toBe(false);
  expect(m(["label!=keep"], { keep: "no" })).toBe(false);
  expect(m(["label!=keep=yes"], { keep: "no" })).toBe(true);
  expect(m(["label!=keep"], {})).toBe(true);
  expect(m(["label!=keep", "label!=tier"], { keep: "1" })).toBe(true);
});

test("parseTimestamp: Go durations before now, unix seconds, RFC 3339", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  expect(parseTimestamp("until", "10m", now)).toBe(now - 600_000);
  expect(parseTimestamp("until", "1h30m", now)).toBe(now - 5_400_000);
  expect(parseTimestamp("until", "1.5h", now)).toBe(now - 5_400_000);
  expect(parseTimestamp("until", "250ms", now)).toBe(now - 250);
  expect(parseTimestamp("until", "1700000000", now)).toBe(1_700_000_000_000);
  expect(parseTimestamp("until", "1700000000.5", now)).toBe(1_700_000_000_500);
  expect(parseTimestamp("until", "2025-12-31T00:00:00Z", now)).toBe(Date.parse("2025-12-31T00:00:00Z"));
  expect(() => parseTimestamp("until", "yesterday", now)).toThrow('invalid value for "until": "yesterday"');
  expect(() => parseTimestamp("until", "10x", now)).toThrow(/invalid value/);
});

test("pruneFilter: until keeps what was created after it (and what has no time); labels as above", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const sel = pruneFilter(["until=1h", "label!=keep"], now);
  expect(sel({}, now - 2 * 3_600_000)).toBe(true);
  expect(sel({}, "2026-01-01T11:30:00Z")).toBe(false);
  expect(sel({ keep: "" }, now - 2 * 3_600_000)).toBe(false);
  expect(sel({}, undefined)).toBe(false);
  expect(() => pruneFilter(["until=1h", "until=2h"])).toThrow("more than one until filter specified");
  expect(() => pruneFilter(["name=x"])).toThrow("invalid filter 'name'");
  expect(pruneFilter([])(null, undefined)).toBe(true);
});
