// Flags every image command shares (--root) and opening the store from them.
import { ImageStore } from "../store.ts";

export const rootOption = { root: { type: "string" as const } };

export function openStore(values: { root?: string }): ImageStore {
  return ImageStore.open(values.root);
}

export function help(usage: string, summary: string, options: string[]): string {
  return [`Usage:  nsbox ${usage}`, "", summary, "", "Options:", ...options.map((o) => `  ${o}`), "      --root string   nsbox state root (default $NSBOX_ROOT or /var/lib/nsbox)"].join("\n");
}

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../../common/errors.ts";

/** parseArgs with --root and --help added, and flag errors as one clear line (exit 125, as docker). */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, ...rootOption, help: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError((e as Error).message.split("\n")[0]!, 125);
  }
}
