// Seccomp actions and filter flags: OCI names -> kernel values (linux/seccomp.h).
import { UserError } from "../../common/errors.ts";

export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

export const SECCOMP_FILTER_FLAG = {
  TSYNC: 1,
  LOG: 2,
  SPEC_ALLOW: 4,
  NEW_LISTENER: 8,
  TSYNC_ESRCH: 16,
  WAIT_KILLABLE_RECV: 32,
} as const;

const EPERM = 1;
export const ENOSYS = 38;

/** OCI action name -> return value base; ERRNO and TRACE carry errnoRet in the low 16 bits. */
const ACTIONS: Record<string, number> = {
  SCMP_ACT_KILL: SECCOMP_RET.KILL_THREAD, // libseccomp's SCMP_ACT_KILL is KILL_THREAD
  SCMP_ACT_KILL_THREAD: SECCOMP_RET.KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET.KILL_PROCESS,
  SCMP_ACT_TRAP: SECCOMP_RET.TRAP,
  SCMP_ACT_ERRNO: SECCOMP_RET.ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET.TRACE,
  SCMP_ACT_LOG: SECCOMP_RET.LOG,
  SCMP_ACT_ALLOW: SECCOMP_RET.ALLOW,
  SCMP_ACT_NOTIFY: SECCOMP_RET.USER_NOTIF,
};

export function errnoAction(errno: number): number {
  return (SECCOMP_RET.ERRNO | (errno & 0xffff)) >>> 0;
}

/**
 * The 32-bit return value for an action. errnoRet applies to ERRNO and TRACE (EPERM when absent,
 * as runc does); for other actions it means nothing and is reported through `notes`.
 */
export function actionValue(name: unknown, errnoRet: unknown, field: string, errnoField: string, notes: string[]): number {
  if (typeof name !== "string") throw new UserError(`${field}: must be a string such as "SCMP_ACT_ERRNO"`);
  const base = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (base === undefined) throw new UserError(`${field}: unknown action "${name}"`);
  if (errnoRet !== undefined && errnoRet !== null) {
    if (typeof errnoRet !== "number" || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > 0xffff) {
      throw new UserError(`${errnoField}: must be an integer from 0 to 65535, not ${JSON.stringify(errnoRet)}`);
    }
  }
  const hasData = base === SECCOMP_RET.ERRNO || base === SECCOMP_RET.TRACE;
  if (!hasData) {
    if (errnoRet !== undefined && errnoRet !== null) notes.push(`${errnoField} is ignored: ${name} returns no errno`);
    return base >>> 0;
  }
  return (base | ((errnoRet as number | undefined) ?? EPERM)) >>> 0;
}

/** Default actions that let an unknown syscall run (runc's list), so no -ENOSYS stub is needed. */
export function allowsUnknownSyscalls(action: number): boolean {
  const kind = (action & 0xffff0000) >>> 0;
  return kind === SECCOMP_RET.ALLOW || kind === SECCOMP_RET.LOG || kind === SECCOMP_RET.TRACE;
}

export function isNotify(action: number): boolean {
  return (action & 0xffff0000) >>> 0 === SECCOMP_RET.USER_NOTIF;
}

/** The `linux.seccomp.flags` names of the runtime spec. */
const FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: SECCOMP_FILTER_FLAG.TSYNC,
  SECCOMP_FILTER_FLAG_LOG: SECCOMP_FILTER_FLAG.LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SECCOMP_FILTER_FLAG.SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV,
};

export const SECCOMP_FLAG_NAMES = Object.keys(FLAGS);

export function flagValue(name: unknown, field: string): number {
  if (typeof name !== "string" || !Object.hasOwn(FLAGS, name)) {
    throw new UserError(`${field}: unknown seccomp flag ${JSON.stringify(name)} (known: ${Object.keys(FLAGS).join(", ")})`);
  }
  return FLAGS[name]!;
}
