// `nsbox unshare` and `nsbox nsenter` are the C front end's (native/nsbox, docs/decisions.md):
// their options, plan and launch live there only. `bin/nsbox` is that front end and handles them
// before any Bun starts; this is the way in when the TypeScript CLI was started instead (from
// source: `bun src/cli/main.ts unshare ...`, or after a global `--root`). The CLI process is
// replaced by the front end (execve), so the front end is what the caller waits on and signals,
// with the caller's stdio, exactly as if it had been started directly.
import { fexecve } from "../linux/libc.ts";

/** native/build/nsbox: beside src/ from source, beside libexec/ in a compiled executable. */
export const FRONT_END_PATH = import.meta.dir.startsWith("/$bunfs")
  ? `${process.execPath.slice(0, process.execPath.lastIndexOf("/"))}/../native/build/nsbox`
  : `${import.meta.dir}/../../native/build/nsbox`;

/** Replaces this process with `nsbox COMMAND ARGS...` of the front end; returns only by throwing. */
export function execFrontEnd(command: "unshare" | "nsenter", argv: string[]): never {
  const { openSync, constants } = require("node:fs") as typeof import("node:fs");
  const fd = openSync(FRONT_END_PATH, constants.O_RDONLY | constants.O_CLOEXEC);
  const env: string[] = [];
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.push(`${k}=${v}`);
  return fexecve(fd, ["nsbox", command, ...argv], env);
}
