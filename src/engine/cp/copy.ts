// `cp` between a container and the host as tar streams (docker's archive API shape): the container
// side packs (copyFrom) or unpacks (copyTo) with a tar that resolves paths inside the container's
// root, symlinks and `..` included, never on the host:
// - running container: its own tar, run through the runtime's `exec` (its namespaces, its mounts);
// - created or exited one: the host's static busybox tar chrooted into its root filesystem, with
//   its volumes mounted, in a private mount namespace that vanishes with it (stopped.ts).
import { basename, dirname } from "node:path";
import type { Subprocess } from "bun";
import { UserError } from "../../common/errors.ts";
import type { Engine } from "../engine.ts";
import { NSBOX_CLI } from "../paths.ts";
import { runtimeCommand } from "../runtimes.ts";
import { rebaseArchive } from "./rebase.ts";
import { followTarSource, statInRoot, type PathInfo } from "./scoped-path.ts";

export interface CopyFromResult {
  /** A tar archive whose single top entry is the path's last component. */
  archive: ReadableStream<Uint8Array>;
  /** Resolves when the container side finished; rejects with its error (e.g. no such file). */
  done: Promise<void>;
}

/** The stopped-container helper (stopped.ts) in a private mount namespace: our own unshare (the
 * launcher), not util-linux's: nsbox does its namespaces itself. */
function helperArgv(e: Engine, args: string[]): string[] {
  return [...NSBOX_CLI, "unshare", "--mount", "--propagation", "private", "--", ...NSBOX_CLI, "container", "cp-helper", "--root", e.paths.root, ...args];
}

/**
 * Runs tar on the container side. `followSource` (cp -L): the archive's source, the last two
 * arguments `-C DIR NAME`, is first resolved inside the container's root, symlinks followed.
 */
function containerTar(e: Engine, ref: string, tarArgs: string[], stdin: "pipe" | "ignore", followSource = false): { proc: Subprocess<"pipe" | "ignore", "pipe" | "ignore", "pipe">; name: string } {
  const r = e.row(ref);
  const st = e.state(r);
  if (st.Paused) throw new UserError(`container ${r.id} is paused: unpause it before cp`, 1);
  const argv = st.Running
    ? (() => {
        const rt = runtimeCommand(r.doc.HostConfig.Runtime, e.paths);
        // Resolved from here through /proc/PID/root: the container's root with its mounts, as it sees them.
        return [rt.path, ...rt.args, "exec", r.id, "tar", ...(followSource ? followTarSource(`/proc/${st.Pid}/root`, tarArgs) : tarArgs)];
      })()
    : helperArgv(e, [...(followSource ? ["--follow-link"] : []), r.id, ...tarArgs]);
  const proc = Bun.spawn(argv, { stdin, stdout: stdin === "pipe" ? "ignore" : "pipe", stderr: "pipe" });
  return { proc: proc as never, name: r.name };
}

/** The container side's failure as one line: docker's wording for a missing path. */
async function failure(proc: Subprocess<any, any, "pipe">, path: string, name: string): Promise<UserError | undefined> {
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code === 0) return undefined;
  if (/No such file or directory/.test(err) && !/^nsbox: /m.test(err))
    return new UserError(`Could not find the file ${path} in container ${name}`, 1);
  const line = err.trim().split("\n").filter(Boolean).pop()?.replace(/^nsbox: /, "") ?? `exit status ${code}`;
  return new UserError(`cp: ${line}`, 1);
}

/**
 * Packs the container's `path` as a tar archive: a file, a directory, or a symlink as a symlink;
 * with `followLink` (docker's cp -L) a symlink's target, named as the link.
 */
export function copyFrom(e: Engine, ref: string, path: string, opts: { followLink?: boolean } = {}): CopyFromResult {
  const base = basename(path) || ".";
  const { proc, name } = containerTar(e, ref, ["cf", "-", "-C", dirname(path) || "/", base], "ignore", opts.followLink);
  const done = failure(proc, path, name).then((err) => {
    if (err) throw err;
  });
  done.catch(() => {}); // handled: callers await it after draining the archive
  const archive = proc.stdout as ReadableStream<Uint8Array>;
  return { archive: opts.followLink && base !== "." ? rebaseArchive(archive, base) : archive, done };
}

/**
 * What `path` is in the container (docker's HEAD /containers/ID/archive, for a cp destination):
 * resolved inside its root, the final symlink followed. A running container's through
 * /proc/PID/root from here (only looked at: its own tar does the writing), a stopped one's by the
 * helper, in the chroot with its volumes mounted.
 */
export async function statPath(e: Engine, ref: string, path: string): Promise<PathInfo> {
  const r = e.row(ref);
  const st = e.state(r);
  if (st.Paused) throw new UserError(`container ${r.id} is paused: unpause it before cp`, 1);
  if (st.Running) return statInRoot(`/proc/${st.Pid}/root`, path);
  const proc = Bun.spawn(helperArgv(e, [`--stat=${path}`, r.id]), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new UserError(err.trim().split("\n").filter(Boolean).pop()?.replace(/^nsbox: /, "") ?? `cp: exit status ${code}`, 1);
  return JSON.parse(out) as PathInfo;
}

/** Unpacks a tar archive into the container's directory `dir` (which must exist). */
export async function copyTo(e: Engine, ref: string, dir: string, archive: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
  const { proc, name } = containerTar(e, ref, ["xf", "-", "-C", dir], "pipe");
  const stdin = proc.stdin as import("bun").FileSink;
  const failed = failure(proc, dir, name);
  try {
    if (archive instanceof Uint8Array) stdin.write(archive);
    else for await (const chunk of archive as unknown as AsyncIterable<Uint8Array>) stdin.write(chunk);
    await stdin.end();
  } catch {} // the container side quit early: its exit status says why
  const err = await failed;
  if (err) throw err;
}
