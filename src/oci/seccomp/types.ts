// The OCI runtime-spec `linux.seccomp` object (config.json), as it arrives from JSON.
// Numbers may be bigint when the caller parsed config.json with exact 64-bit integers.

export interface LinuxSeccompArg {
  index: number;
  value: number | bigint;
  valueTwo?: number | bigint;
  op: string;
}

export interface LinuxSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
}

export interface LinuxSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: LinuxSyscall[];
}

/** The field path used in error messages, as a user reads it in config.json. */
export const SECCOMP_FIELD = "linux.seccomp";
