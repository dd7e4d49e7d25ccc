// Compiled seccomp filters kept on disk. exec: the container's, kept by `create` next to
// state.json, so that exec installs the very program the container's init got without compiling
// linux.seccomp again (docker's default profile takes ~5 ms to compile in a fresh process, a third
// of an exec). Layout, the same as the cache's below (so the container's file is a hard link to the
// cached one: no new inode, no copy): u32 SECCOMP_FILTER_FLAG_* (little endian), u8 "uses
// notify", then struct sock_filter[]. Files of older builds lack the notify byte.
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "../linux/fs.ts";
import { join } from "node:path";
import type { CompiledSeccomp, LinuxSeccomp } from "../oci/seccomp/index.ts";
import { compileSeccomp } from "../oci/seccomp/lazy.ts";

export interface CompiledFilter {
  program: Buffer;
  flags: number;
}

const FILE = "seccomp.bpf";

/** Keeps the container's filter for exec: a link to `cached` (compileSeccompCached's file) when there is one. */
export function saveSeccomp(stateDir: string, filter: CompiledFilter & { usesNotify?: boolean; cacheFile?: string }): void {
  const target = join(stateDir, FILE);
  if (filter.cacheFile) {
    try {
      return linkSync(filter.cacheFile, target);
    } catch {} // the cache was pruned meanwhile, or lives on another file system: write a copy
  }
  writeFileSync(target, encode(filter), { mode: 0o600 });
}

function encode(filter: { flags: number; usesNotify?: boolean; program: Buffer }): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(filter.flags >>> 0);
  head[4] = filter.usesNotify ? 1 : 0;
  return Buffer.concat([head, filter.program]);
}

/** The program in a saved file (5-byte head), or in an older build's (4-byte head); else undefined. */
function decode(data: Buffer): (CompiledFilter & { usesNotify: boolean }) | undefined {
  const FILTER = 8; // sizeof(struct sock_filter)
  if (data.length >= 5 + FILTER && (data.length - 5) % FILTER === 0) return { flags: data.readUInt32LE(0), usesNotify: data[4] === 1, program: data.subarray(5) };
  if (data.length >= 4 + FILTER && (data.length - 4) % FILTER === 0) return { flags: data.readUInt32LE(0), usesNotify: false, program: data.subarray(4) };
  return undefined;
}

/** The saved filter, or undefined (a container created by an older nsbox-runtime: compile). */
export function loadSeccomp(stateDir: string): CompiledFilter | undefined {
  let data: Buffer;
  try {
    data = readFileSync(join(stateDir, FILE));
  } catch {
    return undefined;
  }
  const filter = decode(data);
  return filter && { flags: filter.flags, program: filter.program };
}

// create: programs by content, under the runtime root, so that containers with the same
// linux.seccomp (every container from the spec defaults, every podman container with the same
// capabilities) skip the compiler: ~5-6 ms of a `run`. The key covers the profile, the machine
// and this build of the compiler (a cached program is good only for the code that made it).
// "@" never appears in a container id, so the directory cannot clash with a container's.
const CACHE_DIR = "@seccomp-cache";

function buildIdentity(): string {
  const self = statSync(process.execPath);
  let id = `${process.execPath}:${self.size}:${self.mtimeMs}`;
  if (!import.meta.dir.startsWith("/$bunfs")) {
    // run from source (tests, development): the compiler's own files say which build this is
    for (const dir of [join(import.meta.dir, "../oci/seccomp"), join(import.meta.dir, "../oci/seccomp/syscalls")]) {
      for (const name of readdirSync(dir)) id += `:${name}:${statSync(join(dir, name)).mtimeMs}`;
    }
  }
  return id;
}

/** compileSeccomp(spec), or the program an earlier create of this build compiled for the same spec. */
export function compileSeccompCached(spec: LinuxSeccomp, root: string): CompiledSeccomp & { cacheFile?: string } {
  const key = new Bun.CryptoHasher("sha256").update(`${process.arch}\0${buildIdentity()}\0${JSON.stringify(spec)}`).digest("hex");
  const file = join(root, CACHE_DIR, `${key}.bpf`);
  try {
    const cached = decode(readFileSync(file));
    if (cached) return { ...cached, notes: [], cacheFile: file };
  } catch {}
  const compiled = compileSeccomp(spec);
  try {
    mkdirSync(join(root, CACHE_DIR), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, encode(compiled), { mode: 0o600 });
    renameSync(tmp, file); // whole or absent: concurrent creates may race to write the same key
    return { ...compiled, cacheFile: file };
  } catch {} // a cache that cannot be written only costs time
  return compiled;
}
