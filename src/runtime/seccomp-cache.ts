// The container's compiled seccomp filter, kept by `create` next to state.json so that `exec`
// installs the very program the container's init got without compiling linux.seccomp again:
// docker's default profile takes ~5 ms to compile in a fresh process, a third of an exec.
// Layout: u32 SECCOMP_FILTER_FLAG_* (little endian), then the struct sock_filter[] program.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
