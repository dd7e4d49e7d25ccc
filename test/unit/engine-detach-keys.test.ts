// --detach-keys: docker's key syntax (moby/term ToBytes) and the scanner that catches the sequence
// in a terminal's input, across reads, holding back a partial match.
import { expect, test } from "bun:test";
import { DetachScanner, parseDetachKeys } from "../../src/engine/detach-keys.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (u: Uint8Array) => Buffer.from(u).toString("latin1");

test("parseDetachKeys: docker's syntax", () => {
  expect(parseDetachKeys(undefined)).toEqual(bytes(0x10, 0x11));
  expect(parseDetachKeys("")).toEqual(bytes(0x10, 0x11));
  expect(parseDetachKeys("ctrl-p,ctrl-q")).toEqual(bytes(0x10, 0x11));
  expect(parseDetachKeys("ctrl-a,x")).toEqual(bytes(1, 0x78));
  expect(parseDetachKeys("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_")).toEqual(bytes(0, 27, 28, 29, 30, 31));
  expect(parseDetachKeys("a,b,X")).toEqual(bytes(0x61, 0x62, 0x58));
  expect(parseDetachKeys("DEL")).toEqual(bytes(127));
  expect(parseDetachKeys("ctrl-z")).toEqual(bytes(26));
});

test("parseDetachKeys: invalid specs are one clear line, exit 125", () => {
  for (const bad of ["ctrl-", "ctrl-1", "ctrl-A", "ab", "a,,b", "a,", "é", "ctrl-p+ctrl-q"]) {
    let err: any;
    try {
      parseDetachKeys(bad);
    } catch (e) {
      err = e;
    }
    expect(err?.exitCode).toBe(125);
    expect(err.message).toStartWith(`invalid detach keys "${bad}": unknown key`);
    expect(err.message).not.toContain("\n");
  }
});

test("DetachScanner: the sequence is dropped, what precedes it forwarded", () => {
  const s = new DetachScanner();
  expect(s.feed(Buffer.from("ab\x10\x11cd"))).toEqual({ forward: Buffer.from("ab"), detached: true });
});

test("DetachScanner: split across reads, the held prefix is not forwarded", () => {
  const s = new DetachScanner();
  expect(s.feed(Buffer.from("x\x10"))).toEqual({ forward: Buffer.from("x"), detached: false });
  expect(s.feed(Buffer.from("\x11"))).toEqual({ forward: bytes(), detached: true });
});

test("DetachScanner: a prefix followed by another key is sent on; a repeated first key restarts the match", () => {
  const s = new DetachScanner();
  expect(text(s.feed(Buffer.from("\x10x")).forward)).toBe("\x10x");
  const t = new DetachScanner();
  const r = t.feed(Buffer.from("\x10\x10\x11"));
  expect(r.detached).toBe(true);
  expect(text(r.forward)).toBe("\x10");
});

test("DetachScanner: custom and single-key sequences", () => {
  const s = new DetachScanner(parseDetachKeys("ctrl-a,x"));
  expect(s.feed(Buffer.from("\x10\x11ok\x01"))).toEqual({ forward: Buffer.from("\x10\x11ok"), detached: false });
  expect(s.feed(Buffer.from("x"))).toEqual({ forward: bytes(), detached: true });
  const one = new DetachScanner(parseDetachKeys("q"));
  expect(one.feed(Buffer.from("abq"))).toEqual({ forward: Buffer.from("ab"), detached: true });
});
