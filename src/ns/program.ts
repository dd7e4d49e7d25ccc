// The program `nsbox unshare` and `nsbox nsenter` run, as util-linux picks it (pure).

/** The given program, or the user's shell ($SHELL, else /bin/sh). */
export function programArgs(program: string[], env: Record<string, string | undefined>): string[] {
  return program.length ? program : [env.SHELL || "/bin/sh"];
}

/** The environment passed on unchanged, as KEY=VALUE strings. */
export function envList(env: Record<string, string | undefined>): string[] {
  return Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}
