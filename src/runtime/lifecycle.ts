// The OCI lifecycle: create, start, kill, delete, and run (create + start [+ wait + delete]).
import { closeSync, constants, existsSync, openSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { errnoMessage, UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
import {
  cgroupPids, createCgroup, destroyCgroup, detectLayout, freezerState, planCgroup, cgroupJoin, resolveCgroupPath, thaw,
  type CgroupHandle,
} from "../linux/cgroups/index.ts";
import { launch, LAUNCHER_PATH, type Launched, type LaunchOptions, type Stdio } from "../linux/launcher.ts";
import { pollReadable } from "../linux/libc.ts";
import { isAlive, readStat, waitGone } from "../linux/proc.ts";
import { compileCreate } from "../oci/compile.ts";
import type { Status } from "../oci/spec.ts";
import { parseConfig } from "../oci/validate.ts";
import { describeFailure, printWarnings } from "./errors.ts";
import { hostView } from "./host.ts";
import { launcherHooks, runHooks, runHooksWarnOnly } from "./hooks.ts";
import { runCreateContainerHooks } from "./hooks-in-container.ts";
import { containerResources } from "./resources.ts";
import { OCI_VERSION, StateStore, type ContainerRecord } from "./state.ts";
import { compileSeccompCached, saveSeccomp } from "./seccomp-cache.ts";
import { printErr } from "../common/output.ts";

export interface CreateOptions {
  id: string;
  bundle?: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot?: boolean;
  /** Stay in the caller's session keyring instead of a new one named after the container. */
  noNewKeyring?: boolean;
  /** Keep the launcher as the container's parent and return its exit (used by `run`). */
  foreground?: boolean;
  stdio?: [Stdio, Stdio, Stdio];
  /** A launcher already started (default: we start one); the engine has its container's monitor do it. */
  launcher?: LaunchOptions["started"];
}

export function writePidFile(file: string | undefined, pid: number): void {
  if (!file) return;
  const path = resolve(file);
  try {
    writeFileSync(`${path}.tmp`, String(pid));
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    throw new UserError(`--pid-file ${file}: ${errnoMessage(err)}`);
  }
}

/** Status with the freezer consulted (paused is only visible through the cgroup). */
export function containerStatus(store: StateStore, rec: ContainerRecord): Status {
  const status = store.status(rec);
  if (status !== "running" || !rec.cgroup) return status;
  try {
    return freezerState(rec.cgroup) === "FROZEN" ? "paused" : status;
  } catch {
    return status;
  }
}

export async function create(store: StateStore, opts: CreateOptions): Promise<{ rec: ContainerRecord; launched: Launched }> {
  const id = StateStore.checkId(opts.id);
  const bundle = resolve(opts.bundle ?? ".");
  let text: string;
  try {
    text = readFileSync(`${bundle}/config.json`, "utf8");
  } catch {
    throw new UserError(`create ${id}: no config.json in bundle ${bundle}`);
  }
  const spec = parseConfig(text);
  const rootfs = resolve(bundle, spec.root?.path ?? "");
  if (!spec.root?.path || !existsSync(rootfs)) throw new UserError(`create ${id}: config.json: root.path: ${rootfs} does not exist`);

  store.claim(id);
  trace("config read");
  let cgroup: CgroupHandle | undefined;
  let launched: Launched | undefined;
  try {
    const layout = detectLayout();
    if (layout.kind !== "none") {
      cgroup = createCgroup(planCgroup(containerResources(spec), resolveCgroupPath(spec.linux?.cgroupsPath, id), layout)).handle;
    }
    store.saveCreating(id, { creator: process.pid, creatorStart: readStat(process.pid)?.startTime ?? 0, cgroup });
    trace("cgroup created");
    const notes: string[] = [];
    const plan = compileCreate(spec, {
      bundle,
      id,
      execFifo: store.fifo(id),
      consoleSocket: opts.consoleSocket,
      foreground: opts.foreground,
      noPivot: opts.noPivot,
      cgroupJoin: cgroup ? cgroupJoin(cgroup) : undefined,
      host: hostView(layout, cgroup),
      seccomp: spec.linux?.seccomp ? compileSeccompCached(spec.linux.seccomp as never, store.root) : undefined,
    }, notes);
    printWarnings(notes);
    const hooks = spec.hooks ?? {};
    const stateAt = (status: Status, pid: number) => ({
      ociVersion: OCI_VERSION, id, status, pid, bundle, annotations: spec.annotations ?? {},
    });
    if (!opts.noNewKeyring) plan.keyring = id;
    plan.hookSync = !!(hooks.prestart?.length || hooks.createRuntime?.length || hooks.createContainer?.length) || undefined;
    plan.startHooks = hooks.startContainer?.length ? launcherHooks(hooks.startContainer, stateAt("created", 0)) : undefined;
    if (plan.seccomp) saveSeccomp(store.dir(id), plan.seccomp); // for exec (seccomp-cache.ts)
    trace("plan compiled");
    launched = await launch(plan, {
      stdio: opts.stdio,
      started: opts.launcher,
      onHooks: async (pid) => {
        const state = stateAt("creating", pid);
        // prestart is the legacy hook "after start is called": runc and crun give it "created".
        await runHooks("prestart", hooks.prestart, stateAt("created", pid));
        await runHooks("createRuntime", hooks.createRuntime, state);
        await runCreateContainerHooks(hooks.createContainer, state, spec);
      },
    });
    trace("launched");
    const rec: ContainerRecord = {
      id, pid: launched.pid, startTime: readStat(launched.pid)?.startTime ?? 0, bundle, rootfs,
      created: new Date().toISOString(), owner: process.env.USER ?? "root", config: spec, cgroup,
    };
    store.save(rec);
    writePidFile(opts.pidFile, launched.pid);
    return { rec, launched };
  } catch (err) {
    if (launched) {
      try {
        process.kill(launched.pid, "SIGKILL");
      } catch {}
      await waitGone(launched.pid, undefined, 2000);
    }
    if (cgroup) await destroyCgroup(cgroup, { kill: true }).catch(() => {});
    store.remove(id);
    throw describeFailure("create", id, err);
  }
}

/** Opens the exec fifo: the container's init, blocked writing it, goes on to exec. */
export async function start(store: StateStore, id: string): Promise<void> {
  const rec = store.load(id);
  const status = containerStatus(store, rec);
  if (status !== "created") throw new UserError(`start ${id}: cannot start a container that is ${status}`);
  const fifo = store.fifo(id);
  // Non-blocking, so a process that died meanwhile cannot hang us: the init, blocked opening the
  // fifo for writing, goes on once we have it open and writes one byte.
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1);
    for (;;) {
      pollReadable(fd, 20);
      let n = 0;
      try {
        n = readSync(fd, buf);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      }
      if (n === 1) break;
      if (!isAlive(rec.pid, rec.startTime)) throw new UserError(`start ${id}: the container's process exited before start`);
      // Until the writer has the fifo open, poll reports a hang-up at once: don't spin.
      if (n === 0) await Bun.sleep(0.2);
    }
  } finally {
    closeSync(fd);
  }
  unlinkSync(fifo);
  const hooks = rec.config.hooks?.poststart;
  if (hooks?.length) {
    // "after the user-specified process is executed": wait until the init is no longer the launcher.
    await waitExec(rec.pid, 1000);
    await runHooksWarnOnly("poststart", hooks, store.ociState(rec, "running"));
  }
}

/** Polls until `pid` has exec'd its program (its /proc/PID/exe is no longer the launcher), or is gone. */
async function waitExec(pid: number, timeoutMs: number): Promise<void> {
  const launcher = realpathSync(LAUNCHER_PATH);
  const deadline = Date.now() + timeoutMs;
  for (let delay = 0.1; Date.now() < deadline; delay = Math.min(delay * 2, 10)) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== launcher) return;
    } catch {
      return; // gone
    }
    await Bun.sleep(delay);
  }
}

export function kill(store: StateStore, id: string, signal: number, all = false): void {
  const rec = store.load(id);
  const status = containerStatus(store, rec);
  if (status === "stopped") throw new UserError(`kill ${id}: container not running`);
  const pids = all && rec.cgroup ? cgroupPids(rec.cgroup) : [rec.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
}

export async function remove(store: StateStore, id: string, force = false): Promise<void> {
  StateStore.checkId(id);
  let rec: ContainerRecord;
  try {
    rec = store.load(id);
  } catch (err) {
    // A directory without state.json: a create in progress, or one that died half-way (clean up
    // what it made: its cgroup, and with it the process it may have started).
    if (existsSync(store.dir(id)) && !existsSync(`${store.dir(id)}/state.json`)) {
      const creating = store.loadCreating(id);
      if (creating && isAlive(creating.creator, creating.creatorStart) && !force)
        throw new UserError(`delete ${id}: the container is being created`);
      if (creating?.cgroup) await destroyCgroup(creating.cgroup, { kill: true });
      return store.remove(id);
    }
    if (force && existsSync(store.dir(id))) {
      // An unreadable state file: without it the id could never be used again. Its process and
      // cgroup are unknown, so say so.
      printErr(`nsbox-runtime: warning: delete ${id}: ${(err as Error).message}; removed its state directory only`);
      return store.remove(id);
    }
    if (force) return;
    throw err;
  }
  const status = containerStatus(store, rec);
  // The runtime-spec: deleting a container that is not stopped MUST fail (a created one too;
  // runc and crun delete created containers anyway). --force kills it first.
  if (status !== "stopped" && !force) throw new UserError(`delete ${id}: cannot delete container that is not stopped: ${status}`);
  if (status !== "stopped") {
    const pids = rec.cgroup ? cgroupPids(rec.cgroup) : [];
    for (const pid of new Set([rec.pid, ...pids])) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    if (status === "paused" && rec.cgroup) await thaw(rec.cgroup);
    await waitGone(rec.pid, rec.startTime, 5000);
  }
  if (rec.cgroup) await destroyCgroup(rec.cgroup, { kill: true });
  store.remove(id);
  const hooks = rec.config.hooks?.poststop;
  if (hooks?.length) await runHooksWarnOnly("poststop", hooks, { ...store.ociState(rec, "stopped"), pid: rec.pid });
}

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  keep?: boolean;
}

/** create + start; in the foreground also wait for the exit, delete, and return its status. */
export async function run(store: StateStore, opts: RunOptions): Promise<number> {
  const { launched } = await create(store, { ...opts, foreground: !opts.detach });
  const forward = (sig: NodeJS.Signals) => launched.signal(sig);
  const forwarded: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];
  // SIGINT and SIGQUIT from the terminal reach the launcher directly (same process group).
  const ignore = () => {};
  const handle = (on: boolean) => {
    if (opts.detach) return;
    for (const s of forwarded) on ? process.on(s, forward) : process.off(s, forward);
    for (const s of ["SIGINT", "SIGQUIT"] as const) on ? process.on(s, ignore) : process.off(s, ignore);
  };
  // Forward before start: the process may already be running (and be signalled by whoever runs
  // us) while start returns; a SIGTERM then would kill us and leave the container behind.
  handle(true);
  try {
    await start(store, opts.id);
  } catch (err) {
    handle(false);
    await remove(store, opts.id, true);
    throw err;
  }
  trace("started");
  if (opts.detach) return 0;
  const code = await launched.exited;
  trace("exited");
  handle(false);
  if (!opts.keep) await remove(store, opts.id, true);
  trace("removed");
  return code;
}
