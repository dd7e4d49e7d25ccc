// `cp` with docker's rules, both ways: docker/cli's copyFromContainer/copyToContainer over the
// engine's archive operations (copy.ts: copyFrom, copyTo, statPath). The source side is packed as
// a tar whose top entry is the source's name; where the destination does not exist (or is a file),
// that entry is renamed to the destination's name and unpacked in its parent (plan.ts). Our side
// is packed and unpacked by the host's tar; the container side by a tar that resolves paths inside
// the container's root (copy.ts), so nothing the archive or the destination names leaves it.
import { lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { errnoMessage, UserError } from "../../common/errors.ts";
import type { Engine } from "../engine.ts";
import { planCopy, preserveTrailingDotOrSeparator, splitPathDirEntry, type DestInfo } from "./plan.ts";
import { peekArchive, rebaseArchive } from "./rebase.ts";

const MAX_DEST_LINKS = 10; // docker's CopyInfoDestinationPath

/** docker's resolveLocalPath: absolute, with the trailing "/" or "/." that was given. */
export function localPath(path: string): string {
  return preserveTrailingDotOrSeparator(resolve(path), path);
}

/** docker's ValidateOutputPath: the parent must exist, the path be a directory or a file if it exists. */
function validateOutputPath(path: string): void {
  const dir = dirname(resolve(path));
  if (!statSync(dir, { throwIfNoEntry: false })) throw new UserError(`invalid output path: directory ${JSON.stringify(dir)} does not exist`, 1);
  let st;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw new UserError(errnoMessage(err), 1);
  }
  if (st && !st.isDirectory() && !st.isFile()) throw new UserError(`invalid output path: ${JSON.stringify(path)} must be a directory or a regular file`, 1);
}

/** docker's CopyInfoDestinationPath on the host: a final symlink is followed (a dangling one
 * names the file to make); a missing path needs an existing parent directory. */
export function hostDestInfo(path: string): DestInfo {
  let p = path;
  const lstat = (x: string) => {
    try {
      return lstatSync(x, { throwIfNoEntry: false });
    } catch (err) {
      throw new UserError(errnoMessage(err), 1);
    }
  };
  let st = lstat(p);
  for (let n = 0; st?.isSymbolicLink(); n++) {
    if (n > MAX_DEST_LINKS) throw new UserError(`too many symlinks in ${path}`, 1);
    const target = readlinkSync(p);
    p = target.startsWith("/") ? target : join(splitPathDirEntry(p)[0], target);
    st = lstat(p);
  }
  if (st) return { path: p, exists: true, isDir: st.isDirectory() };
  const parent = splitPathDirEntry(p)[0];
  let pst;
  try {
    pst = statSync(parent);
  } catch (err) {
    throw new UserError(errnoMessage(err), 1);
  }
  if (!pst.isDirectory()) throw new UserError("not a directory", 1);
  return { path: p, exists: false, isDir: false };
}

/** Unpacks `archive` into the host directory `dir` with the host's tar. */
async function extractOnHost(archive: ReadableStream<Uint8Array>, dir: string, done: Promise<void>): Promise<void> {
  const tar = Bun.spawn(["tar", "xf", "-", "-C", dir], { stdin: archive, stderr: "pipe" });
  const [code, err] = await Promise.all([tar.exited, new Response(tar.stderr).text()]);
  await done; // the container side's error first: it explains an empty archive
  if (code !== 0) throw new UserError(`cp: ${err.trim().split("\n").pop()}`, 1);
}

/** `cp CONTAINER:SRC DEST`: SRC into DEST, or under DEST's name in its parent (docker's table). */
export async function copyOutOfContainer(e: Engine, ref: string, srcPath: string, dest: string, opts: { followLink?: boolean } = {}): Promise<void> {
  const dst = localPath(dest);
  validateOutputPath(dst);
  // What DEST is, asked before the copy but reported after the container side's own error (docker's order).
  let info: DestInfo | UserError;
  try {
    info = hostDestInfo(dst);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    info = err;
  }
  const { archive, done } = e.copyFrom(ref, srcPath, opts);
  if (!(info instanceof UserError) && info.exists && info.isDir) return extractOnHost(archive, info.path, done);
  const peeked = await peekArchive(archive);
  if (peeked.topIsDir === undefined) {
    await done; // the container side failed: its error
    throw new UserError(`cp: ${srcPath}: empty archive`, 1);
  }
  if (info instanceof UserError) throw info;
  const plan = planCopy(peeked.topIsDir, info);
  await extractOnHost(peeked.renamed(plan.rename!), plan.dir, done);
}

/** The host path to pack: `path` itself, or with `follow` and a symlink, what it resolves to. */
function hostSource(path: string, follow: boolean): { path: string; isDir: boolean } {
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw new UserError(`cp: ${errnoMessage(err)}`, 1);
  }
  if (!st) throw new UserError(`cp: no such file or directory: ${path}`, 1);
  if (!follow || !st.isSymbolicLink()) return { path, isDir: st.isDirectory() };
  try {
    const target = realpathSync(path);
    return { path: target, isDir: statSync(target).isDirectory() };
  } catch (err) {
    throw new UserError(`cp: ${errnoMessage(err)}`, 1);
  }
}

/** `cp SRC|- CONTAINER:DEST`: SRC into DEST, or under DEST's name in its parent (docker's table);
 * a tar stream from stdin only into an existing directory. */
export async function copyIntoContainer(e: Engine, ref: string, src: string | Uint8Array, destPath: string, opts: { followLink?: boolean } = {}): Promise<void> {
  const r = e.row(ref); // "No such container" before anything else
  const where = `${ref}:${destPath}`;
  if (src instanceof Uint8Array) {
    const info = await e.statPath(r.id, destPath);
    if (info.kind !== "dir") throw new UserError(`destination "${where}" must be a directory`, 1);
    return e.copyTo(r.id, info.path, src);
  }
  const srcPath = localPath(src);
  const info = await e.statPath(r.id, destPath);
  if (info.kind === "other") throw new UserError(`destination "${where}" must be a directory or a regular file`, 1);
  const source = hostSource(srcPath, !!opts.followLink);
  const plan = planCopy(source.isDir, { path: info.path, exists: info.kind !== "missing", isDir: info.kind === "dir" });
  if (plan.dir !== info.path) {
    // The new name goes in the parent: it must be a directory (docker's extraction point).
    if (info.parent === "missing") throw new UserError(`Could not find the file ${splitPathDirEntry(destPath)[0]} in container ${r.name}`, 1);
    if (info.parent === "other") throw new UserError("extraction point is not a directory", 1);
  }
  const pack = Bun.spawn(["tar", "cf", "-", "-C", dirname(source.path), basename(source.path)], { stdout: "pipe", stderr: "pipe" });
  const data = new Uint8Array(await new Response(pack.stdout).arrayBuffer());
  const [code, err] = await Promise.all([pack.exited, new Response(pack.stderr).text()]);
  if (code !== 0) throw new UserError(`cp: ${err.trim().split("\n").pop()}`, 1);
  // A followed link is named as the link (docker's ResolveHostSourcePath + TarResourceRebase).
  const rename = plan.rename ?? (source.path === srcPath ? undefined : basename(srcPath));
  await e.copyTo(r.id, plan.dir, rename ? rebaseArchive(new Response(data).body!, rename) : data);
}
