// getopt_long in util-linux's "+" mode, for nsbox-runtime's runc-style flags (common/flags.ts; the C
// front end's nsopt.c is the same rules for `nsbox unshare`/`nsenter`): options stop at the first
// non-option, short options bundle (-fpU), optional arguments must be attached (-m/path,
// --mount=/path), required ones may follow (-t 123, --target 123), and long options may be
// abbreviated to any unique prefix (--prop for --propagation). node:util's parseArgs has no
// optional-argument options and no "+" mode, hence this small parser.
import { UserError } from "./errors.ts";

export type ArgKind = "none" | "required" | "optional";

export interface OptionSpec {
  /** The canonical name results are keyed by (the long name). */
  name: string;
  short?: string;
  arg: ArgKind;
  /** When the short form differs: util-linux unshare's -n takes no argument, only --net=FILE. */
  shortArg?: ArgKind;
}

export interface ParsedOption {
  name: string;
  value?: string;
}

export interface Parsed {
  /** In command-line order, repeated options kept (later ones win where it matters). */
  options: ParsedOption[];
  /** The program and its arguments. */
  rest: string[];
}

export function getopt(argv: string[], specs: OptionSpec[]): Parsed {
  const options: ParsedOption[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const spec = findLong(name, specs, a);
      if (eq >= 0) {
        if (spec.arg === "none") throw new UserError(`option '--${spec.name}' doesn't allow an argument`);
        options.push({ name: spec.name, value: a.slice(eq + 1) });
      } else if (spec.arg === "required") {
        if (i + 1 >= argv.length) throw new UserError(`option '--${spec.name}' requires an argument`);
        options.push({ name: spec.name, value: argv[++i] });
      } else options.push({ name: spec.name });
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const spec = specs.find((s) => s.short === ch);
        if (!spec) throw new UserError(`invalid option -- '${ch}'`);
        const attached = a.slice(j + 1);
        const kind = spec.shortArg ?? spec.arg;
        if (kind === "none") {
          options.push({ name: spec.name });
          continue;
        }
        if (attached) options.push({ name: spec.name, value: attached });
        else if (kind === "required") {
          if (i + 1 >= argv.length) throw new UserError(`option requires an argument -- '${ch}'`);
          options.push({ name: spec.name, value: argv[++i] });
        } else options.push({ name: spec.name });
        break;
      }
      continue;
    }
    break; // "+" mode: the first non-option starts the program
  }
  return { options, rest: argv.slice(i) };
}

function findLong(name: string, specs: OptionSpec[], as: string): OptionSpec {
  const exact = specs.find((s) => s.name === name);
  if (exact) return exact;
  const prefixed = specs.filter((s) => s.name.startsWith(name));
  if (prefixed.length === 1 && name) return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new UserError(`option '${as}' is ambiguous; possibilities: ${prefixed.map((s) => `'--${s.name}'`).join(" ")}`);
  }
  throw new UserError(`unrecognized option '${as}'`);
}
