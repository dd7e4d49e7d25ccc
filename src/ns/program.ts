// The program `nsbox unshare` and `nsbox nsenter` run, as util-linux picks it (pure).

/** The given program, or the user's shell ($SHELL, else /bin/sh). */
export function programArgs(program: string[], env: Record<string, string | undefined>): string[] {
  return program.length ? program : [env.SHELL || "/bin/sh"];
}

/** With no program, util-linux execs the shell as a login shell: argv[0] "-" + its basename. */
export function programArgv0(program: string[], env: Record<string, string | undefined>): string | undefined {
  if (program.length) return undefined;
  const shell = env.SHELL || "/bin/sh";
  return `-${shell.slice(shell.lastIndexOf("/") + 1)}`;
}

/** The environment passed on unchanged, as KEY=VALUE strings. */
export function envList(env: Record<string, string | undefined>): string[] {
  return Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}
