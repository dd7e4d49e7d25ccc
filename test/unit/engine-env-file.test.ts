// --env-file parsed as docker/cli's opts.ParseEnvFile: values literal, only leading whitespace
// trimmed, bare names from our environment, comments and blank lines skipped, docker's errors.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { parseEnvFile, readEnvFile } from "../../src/engine/env-file.ts";

const dir = mkdtempSync("/tmp/nsbox-env-file-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const parse = (text: string | Uint8Array, env: Record<string, string> = {}) =>
  parseEnvFile(typeof text === "string" ? Buffer.from(text) : text, "f.env", (k) => env[k]);

test("KEY=VALUE taken literally: quotes, inner and trailing spaces, '=' and '#' in values stay", () => {
  expect(parse(`A="quoted"\nB='single'\nC=two  words  \nD=x=y\nE=val # not a comment\nF=\n`)).toEqual([
    'A="quoted"', "B='single'", "C=two  words  ", "D=x=y", "E=val # not a comment", "F=",
  ]);
});

test("leading whitespace of a line trimmed (Go's unicode.IsSpace), nothing else; CRLF endings; a last line without newline", () => {
  expect(parse("  \tA=1\r\n\u00a0B= 2\r\nC=3")).toEqual(["A=1", "B= 2", "C=3"]);
  expect(parse("\uFEFFA=bom\n\uFEFFB=x\n")).toEqual(["A=bom", "\uFEFFB=x"]); // a BOM dropped on line 1 only
});

test("comments and blank lines ignored; KEY alone from our environment, skipped when unset", () => {
  expect(parse("# comment\n\n   \n  # indented comment\nHOME\nUNSET_HERE\nEMPTY\n", { HOME: "/root", EMPTY: "" })).toEqual(["HOME=/root", "EMPTY="]);
});

test("docker's errors: whitespace in a name, no name, invalid UTF-8 (exit 125)", () => {
  expect(() => parse("A B=1\n")).toThrow("poorly formatted environment: variable 'A B' contains whitespaces");
  expect(() => parse("OK=1\nA\tB\n")).toThrow("poorly formatted environment: variable 'A\tB' contains whitespaces");
  expect(() => parse("KEY =1\n")).toThrow("poorly formatted environment: variable 'KEY ' contains whitespaces");
  expect(() => parse("=value\n")).toThrow("poorly formatted environment: no variable name on line '=value'");
  expect(() => parse(Buffer.from([0x41, 0x3d, 0xff, 0x0a]))).toThrow("env file f.env contains invalid utf8 bytes at line 1: [65 61 255]");
  try {
    parse("A B=1");
  } catch (err) {
    expect((err as { exitCode: number }).exitCode).toBe(125);
  }
});

test("a file that cannot be read: Go's one line", () => {
  expect(() => readEnvFile(`${dir}/missing.env`)).toThrow(`open ${dir}/missing.env: no such file or directory`);
  mkdirSync(`${dir}/adir`);
  expect(() => readEnvFile(`${dir}/adir`)).toThrow(`read ${dir}/adir: is a directory`);
  writeFileSync(`${dir}/ok.env`, "X=1\nPASSED\n");
  expect(readEnvFile(`${dir}/ok.env`, { PASSED: "yes" })).toEqual(["X=1", "PASSED=yes"]);
});
