// src/common/getopt.ts, the parser under nsbox-runtime's flags (common/flags.ts): getopt_long's
// "+" mode with glibc's messages. The cases moved here from ns-options.test.ts when `nsbox
// unshare`/`nsenter` moved to C (native/nsbox/nsopt.c, checked there through the front end).
import { describe, expect, test } from "bun:test";
import { getopt, type OptionSpec } from "../../src/common/getopt.ts";

const SPECS: OptionSpec[] = [
  { name: "net", short: "n", arg: "optional", shortArg: "none" },
  { name: "pid", short: "p", arg: "optional", shortArg: "none" },
  { name: "user", short: "U", arg: "optional", shortArg: "none" },
  { name: "fork", short: "f", arg: "none" },
  { name: "mount-proc", arg: "optional" },
  { name: "map-user", arg: "required" },
  { name: "map-users", arg: "required" },
  { name: "propagation", arg: "required" },
  { name: "setuid", short: "S", arg: "required" },
  { name: "setgid", short: "G", arg: "required" },
  { name: "wd", short: "w", arg: "required" },
];
const OPTIONAL_SHORT: OptionSpec[] = [
  { name: "net", short: "n", arg: "optional" },
  { name: "pid", short: "p", arg: "optional" },
];

describe("getopt (util-linux style)", () => {
  test("bundled shorts, optional args attached only, stop at the program", () => {
    const r = getopt(["-fpU", "--net=/run/netns/x", "--mount-proc", "ps", "-f"], SPECS);
    expect(r.options).toEqual([{ name: "fork" }, { name: "pid" }, { name: "user" }, { name: "net", value: "/run/netns/x" }, { name: "mount-proc" }]);
    expect(r.rest).toEqual(["ps", "-f"]);
    // A short form without an argument of its own (shortArg "none"); with an optional one, as in
    // getopt(3), the argument is the rest of the word.
    expect(() => getopt(["-n/x"], SPECS)).toThrow("invalid option -- '/'");
    expect(getopt(["-n/x", "-pU"], OPTIONAL_SHORT).options).toEqual([{ name: "net", value: "/x" }, { name: "pid", value: "U" }]);
  });
  test("an optional argument is not taken from the next word", () => {
    expect(getopt(["-n", "ip"], SPECS).rest).toEqual(["ip"]);
    expect(getopt(["--net", "ip"], SPECS).rest).toEqual(["ip"]);
  });
  test("required arguments: attached, next word, or --opt=value; unique prefixes", () => {
    expect(getopt(["-S0", "-G", "5", "--prop=slave", "--wd", "/tmp"], SPECS).options).toEqual([
      { name: "setuid", value: "0" }, { name: "setgid", value: "5" }, { name: "propagation", value: "slave" }, { name: "wd", value: "/tmp" },
    ]);
  });
  test("errors read like getopt's", () => {
    expect(() => getopt(["--bogus"], SPECS)).toThrow("unrecognized option '--bogus'");
    expect(() => getopt(["-Q"], SPECS)).toThrow("invalid option -- 'Q'");
    expect(() => getopt(["-S"], SPECS)).toThrow("option requires an argument -- 'S'");
    expect(() => getopt(["--map"], SPECS)).toThrow("option '--map' is ambiguous; possibilities: '--map-user' '--map-users'");
    expect(() => getopt(["--fork=1"], SPECS)).toThrow("option '--fork' doesn't allow an argument");
    expect(getopt(["--", "-x"], SPECS).rest).toEqual(["-x"]);
  });
});
