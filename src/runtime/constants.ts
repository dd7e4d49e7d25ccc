// What --version and --help print, apart from the state store (state.ts), which loads node:fs:
// ~1 ms of a compiled binary's start (docs/performance.md).
export const DEFAULT_ROOT = "/run/nsbox-runtime";
export const OCI_VERSION = "1.2.0";
