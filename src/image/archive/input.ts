// The archive file a user names for `load -i` and `import`: standard input for "-", else the file,
// opened up front so that a wrong path is one clear line (docker's wording: "open PATH: no such
// file or directory", "read PATH: is a directory") instead of a failure deep inside the reader.
import { closeSync, fstatSync, openSync } from "node:fs";
import { errnoMessage, UserError } from "../../common/errors.ts";
import { readFileChunks } from "../digest.ts";

export function archiveInput(file: string): AsyncIterable<Uint8Array> {
  if (file === "-") return Bun.stdin.stream() as AsyncIterable<Uint8Array>;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw new UserError(errnoMessage(err));
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new UserError(`read ${file}: is a directory`);
  } finally {
    closeSync(fd);
  }
  return readFileChunks(file);
}
