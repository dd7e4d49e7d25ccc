// Compiles the OCI `linux.seccomp` object into a classic BPF program for seccomp(2), which the
// launcher installs as the last step before execve. See docs/seccomp.md for why this is done
// in TypeScript and for the exact semantics.
import { UserError } from "../../common/errors.ts";
import { actionValue, allowsUnknownSyscalls, flagValue, isNotify, SECCOMP_FILTER_FLAG } from "./actions.ts";
import { selectArches } from "./arches.ts";
import { BPF_MAXINSNS, SOCK_FILTER_SIZE } from "./bpf.ts";
import { generate } from "./codegen.ts";
import { parseSyscalls, rulesForArch, unknownNames } from "./rules.ts";
import { SECCOMP_FIELD, type LinuxSeccomp } from "./types.ts";

export type { LinuxSeccomp, LinuxSeccompArg, LinuxSyscall } from "./types.ts";

export interface CompiledSeccomp {
  /** `struct sock_filter[]`, host (little) endian: the payload of PA_SECCOMP. */
  program: Buffer;
  /** SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER): the payload of PA_SECCOMP_FLAGS. */
  flags: number;
  /** A rule uses SCMP_ACT_NOTIFY: the filter creates a listener fd for `listenerPath`. */
  usesNotify: boolean;
  /** Things ignored on purpose (unknown syscall names, other machines' arches), for --debug logs. */
  notes: string[];
}

export function compileSeccomp(spec: LinuxSeccomp, arch: string = process.arch): CompiledSeccomp {
  const f = SECCOMP_FIELD;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new UserError(`${f}: must be an object`);
  const notes: string[] = [];
  const defaultAction = actionValue(spec.defaultAction, spec.defaultErrnoRet, `${f}.defaultAction`, `${f}.defaultErrnoRet`, notes);
  if (isNotify(defaultAction)) {
    // The launcher itself makes syscalls between installing the filter and execve.
    throw new UserError(`${f}.defaultAction: SCMP_ACT_NOTIFY cannot be the default action`);
  }
  const arches = selectArches(spec.architectures, arch, `${f}.architectures`, notes);

  let flags = 0;
  if (spec.flags !== undefined && spec.flags !== null) {
    if (!Array.isArray(spec.flags)) throw new UserError(`${f}.flags: must be an array`);
    spec.flags.forEach((name, i) => (flags |= flagValue(name, `${f}.flags[${i}]`)));
  }

  const entries = parseSyscalls(spec.syscalls, defaultAction, `${f}.syscalls`, notes);
  const usesNotify = entries.some((e) => e.rules.some((r) => isNotify(r.action)));
  if (usesNotify) {
    if (typeof spec.listenerPath !== "string" || spec.listenerPath === "") {
      throw new UserError(`${f}.listenerPath: required when a rule uses SCMP_ACT_NOTIFY`);
    }
    flags |= SECCOMP_FILTER_FLAG.NEW_LISTENER;
    // The kernel refuses TSYNC with NEW_LISTENER, and the launcher is single-threaded anyway.
    flags &= ~SECCOMP_FILTER_FLAG.TSYNC;
  } else if (flags & SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV) {
    notes.push(`${f}.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no rule uses SCMP_ACT_NOTIFY`);
    flags &= ~SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV;
  }

  const sections = arches.map((a) => ({ spec: a, rules: rulesForArch(entries, a) }));
  const program = generate(sections, defaultAction, !allowsUnknownSyscalls(defaultAction));
  const count = program.length / SOCK_FILTER_SIZE;
  if (count > BPF_MAXINSNS) {
    throw new UserError(`${f}: the profile compiles to ${count} BPF instructions; the kernel accepts at most ${BPF_MAXINSNS}`);
  }
  const unknown = unknownNames(entries, arches);
  if (unknown.length > 0) {
    notes.push(`${f}.syscalls: ${unknown.length} names unknown on ${arches.map((a) => a.name).join(", ")} ignored: ${unknown.join(", ")}`);
  }
  return { program, flags, usesNotify, notes };
}
