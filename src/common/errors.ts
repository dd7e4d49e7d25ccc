// Errors a user can act on. Every command entry point catches these and prints one line,
// `PROGRAM: MESSAGE`, then exits with `exitCode` (125 mirrors docker's "engine error").
import { printErr } from "./output.ts";

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}

/** The message of an errno-style Node/Bun error, without the stack: "ENOENT: no such file ...". */
export function errnoMessage(err: unknown): string {
  if (err instanceof Error) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) return `${e.syscall} ${e.path ?? ""}: ${describeErrno(e.code)}`.replace(/ +:/, ":");
    return e.message;
  }
  return String(err);
}

const errnoText: Record<string, string> = {
  ENOENT: "no such file or directory",
  EEXIST: "file exists",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  EINVAL: "invalid argument",
  ESRCH: "no such process",
  EBUSY: "device or resource busy",
};
export function describeErrno(code: string): string {
  return errnoText[code] ?? code;
}

/** Runs a CLI main function: prints UserErrors as one line, anything else with its stack. */
export async function runMain(program: string, main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (err) {
    if (err instanceof UserError) {
      printErr(`${program}: ${err.message}`);
      code = err.exitCode;
    } else {
      printErr(`${program}: internal error: ${err instanceof Error ? err.stack : String(err)}`);
      code = 1;
    }
  }
  process.exit(code);
}
