// `exec`: a new process in every namespace and cgroup of a running container.
import { readFileSync } from "../linux/fs.ts";
import { cgroupJoin } from "../linux/cgroups/index.ts";
import { launch, type Stdio } from "../linux/launcher.ts";
import type { LaunchPlan } from "../linux/plan.ts";
import { compileProcess, containerJoins } from "../oci/compile.ts";
import { compileSeccomp } from "../oci/seccomp/lazy.ts";
import type { Process } from "../oci/spec.ts";
import { ConfigError, validateProcess } from "../oci/validate.ts";
import { describeFailure, OperationError, printWarnings } from "./errors.ts";
import { execCgroupJoin } from "./exec-cgroup.ts";
import { containerStatus, writePidFile } from "./operations.ts";
import { type CompiledFilter, loadSeccomp } from "./seccomp-cache.ts";
import type { ContainerRecord, StateStore } from "./state.ts";

export interface ExecOptions {
  id: string;
  processFile?: string;
  args?: string[];
  tty?: boolean;
  detach?: boolean;
  pidFile?: string;
  consoleSocket?: string;
  env?: string[];
  cwd?: string;
  user?: string; // UID[:GID]
  additionalGids?: number[];
  capabilities?: string[];
  noNewPrivileges?: boolean;
  stdio?: [Stdio, Stdio, Stdio];
  /** Our fds the process gets as its 3, 4, ... (runc's --preserve-fds). */
  passFds?: number[];
  apparmorProfile?: string;
  selinuxLabel?: string;
  /** Sub-cgroups to run in: runc's --cgroup [CONTROLLERS:]PATH (exec-cgroup.ts). */
  cgroups?: string[];
  /** Exec into a paused container too (the process starts frozen, as runc's --ignore-paused). */
  ignorePaused?: boolean;
}

/** The process to run: --process FILE, or the container's own process with the flags applied. */
export function execProcess(rec: ContainerRecord, opts: ExecOptions): Process {
  if (opts.processFile) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(opts.processFile, "utf8"));
    } catch (err) {
      throw new OperationError("exec", opts.id, `--process ${opts.processFile}: ${(err as Error).message}`);
    }
    try {
      validateProcess(raw as Record<string, unknown>, "process");
    } catch (err) {
      // The problem is in the --process file, not in config.json.
      if (err instanceof ConfigError) throw new OperationError("exec", opts.id, `--process ${opts.processFile}: ${err.message.replace(/^config\.json: /, "")}`);
      throw err;
    }
    return raw as Process;
  }
  if (!opts.args?.length) throw new OperationError("exec", opts.id, "no command given (ARGS or --process)");
  // The same rules as process in config.json (validateProcess), said in terms of the flags.
  if (opts.cwd !== undefined && !opts.cwd.startsWith("/")) throw new OperationError("exec", opts.id, `--cwd "${opts.cwd}": must be an absolute path`);
  const badEnv = opts.env?.find((e) => !e.includes("="));
  if (badEnv !== undefined) throw new OperationError("exec", opts.id, `--env "${badEnv}": expected KEY=VALUE`);
  const base = rec.config.process!;
  const p: Process = { ...structuredClone(base), args: opts.args, terminal: !!opts.tty };
  if (opts.env?.length) p.env = mergeEnv(p.env ?? [], opts.env);
  if (opts.cwd) p.cwd = opts.cwd;
  if (opts.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(opts.user);
    if (!m) throw new OperationError("exec", opts.id, `--user "${opts.user}": expected UID[:GID]`);
    p.user = { ...p.user, uid: Number(m[1]), gid: m[2] !== undefined ? Number(m[2]) : p.user.gid };
  }
  if (opts.additionalGids?.length) p.user = { ...p.user, additionalGids: opts.additionalGids };
  if (opts.noNewPrivileges) p.noNewPrivileges = true;
  if (opts.apparmorProfile !== undefined) p.apparmorProfile = opts.apparmorProfile;
  if (opts.selinuxLabel !== undefined) p.selinuxLabel = opts.selinuxLabel;
  if (opts.capabilities?.length && p.capabilities) {
    for (const set of ["bounding", "effective", "permitted", "inheritable"] as const) {
      p.capabilities[set] = [...new Set([...(p.capabilities[set] ?? []), ...opts.capabilities])];
    }
  }
  return p;
}

function mergeEnv(base: string[], extra: string[]): string[] {
  const byKey = new Map(base.map((e) => [e.slice(0, e.indexOf("=")), e]));
  for (const e of extra) byKey.set(e.includes("=") ? e.slice(0, e.indexOf("=")) : e, e);
  return [...byKey.values()];
}

/** Pure: the plan that joins `rec`'s namespaces (through /proc/PID/ns) and cgroup. `filter`: the
 * container's seccomp program as create compiled it (else linux.seccomp is compiled here). */
export function compileExec(rec: ContainerRecord, proc: Process, opts: ExecOptions, filter?: CompiledFilter, notes: string[] = []): LaunchPlan {
  const linux = rec.config.linux ?? {};
  const seccomp = linux.seccomp ? (filter ?? compileSeccomp(linux.seccomp as never)) : undefined;
  return {
    ...compileProcess(proc, "process", notes),
    join: containerJoins(rec.config, rec.pid),
    cgroupJoin: !rec.cgroup ? undefined : opts.cgroups?.length ? execCgroupJoin(rec.cgroup, opts.cgroups) : cgroupJoin(rec.cgroup),
    foreground: !opts.detach || undefined,
    consoleSocket: opts.consoleSocket,
    setsid: true,
    seccomp: seccomp ? { program: seccomp.program, flags: seccomp.flags } : undefined,
  };
}

export async function exec(store: StateStore, opts: ExecOptions): Promise<number> {
  const rec = store.load(opts.id);
  const status = containerStatus(store, rec);
  if (status === "paused" && !opts.ignorePaused)
    throw new OperationError("exec", opts.id, "cannot exec in a paused container (resume it, or use --ignore-paused)");
  if (status !== "running" && status !== "created" && status !== "paused")
    throw new OperationError("exec", opts.id, `cannot exec in a ${status} container`);
  const proc = execProcess(rec, opts);
  let launched;
  try {
    const filter = rec.config.linux?.seccomp ? loadSeccomp(store.dir(rec.id)) : undefined;
    const notes: string[] = [];
    const plan = compileExec(rec, proc, opts, filter, notes);
    printWarnings(notes);
    launched = await launch(plan, { stdio: opts.stdio, passFds: opts.passFds });
  } catch (err) {
    throw describeFailure("exec", opts.id, err);
  }
  try {
    writePidFile(opts.pidFile, launched.pid);
  } catch (err) {
    // Nobody could find the process without its pid file: do not leave it running.
    try {
      process.kill(launched.pid, "SIGKILL");
    } catch {}
    throw describeFailure("exec", opts.id, err);
  }
  return opts.detach ? 0 : await launched.exited;
}
