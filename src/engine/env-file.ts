// `--env-file FILE`, parsed exactly as docker/cli's opts.ParseEnvFile (parseKeyValueFile): one
// variable a line, taken literally — no quote removal, no interpolation, the value keeps every
// space; only the line's leading whitespace is trimmed. `KEY` alone takes the value from our own
// environment and is skipped if unset. Lines starting with `#` and blank lines are ignored, a UTF-8
// BOM on the first line is dropped, and lines end at "\n" with an optional "\r" before it (Go's
// bufio.ScanLines). A name with a space or tab is an error, as is invalid UTF-8.
import { readFileSync } from "node:fs";
import { describeErrno, errnoMessage, UserError } from "../common/errors.ts";

const WHITESPACE = /[ \t]/; // docker's whiteSpaces, for names
/** Go's unicode.IsSpace (what docker trims a line's start with); unlike JS's \s: U+0085, not U+FEFF. */
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // keep BOMs: only line 1 loses one

/** Pure: the file's bytes → "KEY=VALUE" entries, in order; `lookup` gives a bare KEY's value. */
export function parseEnvFile(data: Uint8Array, filename: string, lookup: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const lines = bytes.length ? splitLines(bytes) : [];
  for (const [i, raw] of lines.entries()) {
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      throw new UserError(`env file ${filename} contains invalid utf8 bytes at line ${i + 1}: [${[...raw].join(" ")}]`, 125);
    }
    if (i === 0 && text.startsWith("\uFEFF")) text = text.slice(1);
    const line = text.replace(LEADING_SPACE, "");
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const name = eq < 0 ? line : line.slice(0, eq);
    if (WHITESPACE.test(name)) throw new UserError(`poorly formatted environment: variable '${name}' contains whitespaces`, 125);
    if (!name) throw new UserError(`poorly formatted environment: no variable name on line '${line}'`, 125);
    if (eq >= 0) out.push(line);
    else {
      const value = lookup(name);
      if (value !== undefined) out.push(`${name}=${value}`);
    }
  }
  return out;
}

/** Go's bufio.ScanLines: split at "\n", drop one "\r" before it; a last line without "\n" counts. */
function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) end = bytes.length;
    lines.push(bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end));
    start = next;
  }
  return lines;
}

/** Reads and parses one --env-file; a file that cannot be read is one line, exit 125. */
export function readEnvFile(path: string, env: Record<string, string | undefined> = process.env): string[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Go's wording: "open F: no such file or directory", "read F: is a directory".
    throw new UserError(code ? `${code === "EISDIR" ? "read" : "open"} ${path}: ${describeErrno(code)}` : errnoMessage(err), 125);
  }
  return parseEnvFile(data, path, (key) => env[key]);
}
