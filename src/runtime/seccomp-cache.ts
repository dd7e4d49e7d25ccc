// Compiled seccomp filters kept on disk. exec: the container's, kept by `create` next to
// state.json, so that exec installs the very program the container's init got without compiling
// linux.seccomp again (docker's default profile takes ~5 ms to compile in a fresh process, a third
// of an exec). Layout: u32 SECCOMP_FILTER_FLAG_* (little endian), then struct sock_filter[].
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileSeccomp, type CompiledSeccomp, type LinuxSeccomp } from "../oci/seccomp/index.ts";

export interface CompiledFilter {
  program: Buffer;
  flags: number;
}

const FILE = "seccomp.bpf";

export function saveSeccomp(stateDir: string, filter: CompiledFilter): void {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(filter.flags >>> 0);
  writeFileSync(join(stateDir, FILE), Buffer.concat([head, filter.program]), { mode: 0o600 });
}

/** The saved filter, or undefined (a container created by an older nsbox-runtime: compile). */
export function loadSeccomp(stateDir: string): CompiledFilter | undefined {
  let data: Buffer;
  try {
    data = readFileSync(join(stateDir, FILE));
  } catch {
    return undefined;
  }
  if (data.length < 4 + 8 || (data.length - 4) % 8 !== 0) return undefined; // 8 = sizeof(struct sock_filter)
  return { flags: data.readUInt32LE(0), program: data.subarray(4) };
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
export function compileSeccompCached(spec: LinuxSeccomp, root: string): CompiledSeccomp {
  const key = new Bun.CryptoHasher("sha256").update(`${process.arch}\0${buildIdentity()}\0${JSON.stringify(spec)}`).digest("hex");
  const file = join(root, CACHE_DIR, `${key}.bpf`);
  try {
    const data = readFileSync(file);
    if (data.length >= 5 + 8 && (data.length - 5) % 8 === 0) {
      return { flags: data.readUInt32LE(0), usesNotify: data[4] === 1, program: data.subarray(5), notes: [] };
    }
  } catch {}
  const compiled = compileSeccomp(spec);
  try {
    mkdirSync(join(root, CACHE_DIR), { recursive: true, mode: 0o700 });
    const head = Buffer.alloc(5);
    head.writeUInt32LE(compiled.flags >>> 0);
    head[4] = compiled.usesNotify ? 1 : 0;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([head, compiled.program]), { mode: 0o600 });
    renameSync(tmp, file); // whole or absent: concurrent creates may race to write the same key
  } catch {} // a cache that cannot be written only costs time
  return compiled;
}
