// Command-line flags with node:util's parseArgs (built in: no start-up cost), plus the two habits
// of Go-style CLIs such as runc that callers rely on: single-dash long flags (`-bundle X`) and
// flags that end at the first positional argument (so `exec ID sh -c ...` keeps `-c`).
import { parseArgs } from "node:util";
import { UserError } from "./errors.ts";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }>;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseFlags(argv: string[], spec: FlagSpec, where: string, stopAtPositional = false): ParsedFlags {
  const shorts = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  const takesValue = (token: string): boolean => {
    if (token.includes("=")) return false;
    const name = token.startsWith("--") ? token.slice(2) : shorts.get(token.slice(1));
    return !!name && spec[name]?.type === "string";
  };
  const args: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let tok = argv[i]!;
    // "-bundle" → "--bundle" when it names a long flag (Go's flag package accepts both).
    if (/^-[^-]{2,}/.test(tok) && tok.slice(1).split("=")[0]! in spec) tok = `-${tok}`;
    if (tok === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (stopAtPositional && !tok.startsWith("-")) {
      rest = argv.slice(i);
      break;
    }
    args.push(tok);
    if (tok.startsWith("-") && takesValue(tok) && i + 1 < argv.length) args.push(argv[++i]!);
  }
  try {
    const { values, positionals } = parseArgs({ args, options: spec, allowPositionals: !stopAtPositional, strict: true });
    return { values: values as ParsedFlags["values"], positionals: [...positionals, ...rest] };
  } catch (err) {
    throw new UserError(`${where}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, "")}`);
  }
}
