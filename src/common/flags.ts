// Command-line flags for the runc-style CLI (nsbox-runtime), on the getopt parser the namespace
// tools use (node:util's parseArgs costs ~1.3 ms to load, and start-up is the runtime's
// performance). Go-style habits callers rely on are kept: single-dash long flags (`-bundle X`),
// `--flag=false` for booleans, and flags end at the first positional argument (runc, like
// urfave/cli, takes flags before arguments, so `exec ID sh -c ...` keeps `-c` for sh).
import { UserError } from "./errors.ts";
import { getopt, type OptionSpec } from "./getopt.ts";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** `where` prefixes error messages (a subcommand's name); "" for none. */
export function parseFlags(argv: string[], spec: FlagSpec, where: string): ParsedFlags {
  const options: OptionSpec[] = Object.entries(spec).map(([name, s]) => ({
    name,
    short: s.short,
    arg: s.type === "string" ? "required" : "optional",
    shortArg: s.type === "string" ? "required" : "none",
  }));
  // "-bundle" → "--bundle" when it names a long flag (Go's flag package accepts both).
  const normalized = argv.map((tok) => (/^-[^-]{2,}/.test(tok) && tok.slice(1).split("=")[0]! in spec ? `-${tok}` : tok));
  let parsed;
  try {
    parsed = getopt(normalized, options);
  } catch (err) {
    throw new UserError(where ? `${where}: ${(err as Error).message}` : (err as Error).message);
  }
  const values: ParsedFlags["values"] = {};
  for (const { name, value } of parsed.options) {
    const s = spec[name]!;
    if (s.type === "boolean") {
      if (value !== undefined && value !== "true" && value !== "false")
        throw new UserError(`${where ? `${where}: ` : ""}--${name}: "${value}" is not true or false`);
      values[name] = value !== "false";
    } else if (s.multiple) {
      values[name] = [...((values[name] as string[] | undefined) ?? []), value!];
    } else values[name] = value;
  }
  const rest = parsed.rest[0] === "--" ? parsed.rest.slice(1) : parsed.rest;
  return { values, positionals: rest };
}
