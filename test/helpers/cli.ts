// Where the tests find the project, and the shape of a finished command, shared by every
// integration helper.
import { join } from "node:path";

export const top = join(import.meta.dir, "../..");
export const bun = join(top, "node_modules/.bin/bun");
/** argv prefix that runs the nsbox CLI from source (bin/nsbox is the same entry point, compiled). */
export const NSBOX = [bun, join(top, "src/cli/main.ts")];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
