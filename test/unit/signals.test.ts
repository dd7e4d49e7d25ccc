// Signal names and numbers as `kill` (runtime, engine) and `unshare --kill-child` take them.
import { describe, expect, test } from "bun:test";
import { parseSignal, signalNumber } from "../../src/linux/signals.ts";

describe("signalNumber", () => {
  test("numbers 1-64, names with or without SIG in any case, real-time offsets", () => {
    expect(["9", "KILL", "sigterm", "SIGHUP", "usr1"].map(signalNumber)).toEqual([9, 9, 15, 1, 10]);
    expect(["SIGRTMIN", "RTMIN+3", "SIGRTMAX", "rtmax-1"].map(signalNumber)).toEqual([34, 37, 64, 63]);
    expect(["0", "65", "NOPE", ""].map(signalNumber)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("parseSignal says what is wrong", () => {
    expect(() => parseSignal("65")).toThrow('invalid signal "65": out of range 1-64');
    expect(() => parseSignal("NOPE")).toThrow('invalid signal "NOPE"');
  });
});
