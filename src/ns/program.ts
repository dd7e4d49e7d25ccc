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
  // A loop, not flatMap: the first flatMap call in a process costs ~0.2 ms (a builtin compiled on
  // first use), more than the rest of planning.
  const list: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) list.push(`${k}=${v}`);
  return list;
}
