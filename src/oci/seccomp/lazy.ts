// The seccomp compiler, loaded on first use: it and its syscall tables (five architectures) are
// the largest modules of a create, and most creates never run it (no linux.seccomp, or the
// runtime's cache has the program: src/runtime/seccomp-cache.ts).
import type * as Compiler from "./index.ts";

export function compileSeccomp(...args: Parameters<typeof Compiler.compileSeccomp>): Compiler.CompiledSeccomp {
  return (require("./index.ts") as typeof Compiler).compileSeccomp(...args);
}
