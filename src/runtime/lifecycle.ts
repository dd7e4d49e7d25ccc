// The OCI lifecycle's heavy half: create, and run (create + start [+ wait + delete]). The light
// verbs (start, kill, delete, status) are in operations.ts.
import { existsSync, readFileSync } from "../linux/fs.ts";
import { resolve } from "node:path";
import { UserError } from "../common/errors.ts";
import { trace } from "../common/trace.ts";
import { cgroupJoin, createCgroup, destroyCgroup, detectLayout, planCgroup, resolveCgroupPath, type CgroupHandle } from "../linux/cgroups/index.ts";
import { cacheLayoutIn } from "../linux/cgroups/layout.ts";
import { launch, startLauncher, type Launched, type LauncherProcess, type LaunchOptions, type Stdio } from "../linux/launcher.ts";
import { closeFd } from "../linux/libc.ts";
import { CLONE } from "../linux/plan-ids.ts";
import type { LaunchPlan } from "../linux/plan.ts";
import { readStat, waitGone } from "../linux/proc.ts";
import { compileCreate } from "../oci/compile.ts";
import type { Spec, Status } from "../oci/spec.ts";
import { parseConfig, validateSpec } from "../oci/validate.ts";
import { describeFailure, printWarnings } from "./errors.ts";
import { hostView } from "./host.ts";
import { launcherHooks, runHooks } from "./hooks.ts";
import { runCreateContainerHooks } from "./hooks-in-container.ts";
import { poststart, remove, writePidFile } from "./operations.ts";
import { containerResources } from "./resources.ts";
import { compileSeccompCached, saveSeccomp } from "./seccomp-cache.ts";
import { OCI_VERSION, StateStore, type ContainerRecord } from "./state.ts";

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
  /** Our fds the process gets as its 3, 4, ... (runc's --preserve-fds). */
  passFds?: number[];
  /** The bundle's config.json as an object already in hand (the engine's, which just wrote it):
   * validated like the file, without reading and parsing it again. */
  spec?: Spec;
  /** A launcher already started (default: we start one); the engine has its container's monitor do it. */
  launcher?: LaunchOptions["started"];
  /** No exec fifo: the process execs as soon as it is set up (`run`: nobody can see it created). */
  startAtOnce?: boolean;
  /** Leave start-fast/delete-fast (state.ts markFastVerbs) for bin/nsbox-runtime's own later
   * `start` and `delete`: create and run -d or --keep. Not for a caller that starts and removes
   * the container itself (the engine, a foreground run): two files it would never read. */
  laterVerbs?: boolean;
  /** Told the launcher we start ourselves as soon as it runs (run forwards signals to it). */
  onLauncher?: (proc: LauncherProcess) => void;
}

export async function create(store: StateStore, opts: CreateOptions): Promise<{ rec: ContainerRecord; launched: Launched }> {
  if (opts.launcher) return createWith(store, opts, opts.launcher);
  // The launcher starts first: its exec and its sealed copy's re-exec (~0.5 ms on another core)
  // overlap reading the config and making the cgroups, which it needs only once its plan comes.
  let own: ReturnType<typeof startLauncher>;
  try {
    own = startLauncher(opts.stdio, opts.passFds);
  } catch (err) {
    throw describeFailure("create", opts.id, err);
  }
  opts.onLauncher?.(own.proc);
  let closed = false;
  try {
    return await createWith(store, opts, own);
  } catch (err) {
    // Closed before its plan, it exits at once; after, launch() or createWith's cleanup has ended
    // it. Waiting here means no process of ours outlives a failed create.
    closeFd(own.sock);
    closed = true;
    await own.proc.exited;
    throw err;
  } finally {
    if (!closed) closeFd(own.sock);
  }
}

async function createWith(
  store: StateStore,
  opts: CreateOptions,
  launcher: NonNullable<CreateOptions["launcher"]>,
): Promise<{ rec: ContainerRecord; launched: Launched }> {
  const id = StateStore.checkId(opts.id);
  const bundle = resolve(opts.bundle ?? ".");
  let spec: Spec;
  if (opts.spec) spec = validateSpec(opts.spec as never);
  else {
    let text: string;
    try {
      text = readFileSync(`${bundle}/config.json`, "utf8");
    } catch {
      throw new UserError(`create ${id}: no config.json in bundle ${bundle}`);
    }
    spec = parseConfig(text);
  }
  const rootfs = resolve(bundle, spec.root?.path ?? "");
  if (!spec.root?.path || !existsSync(rootfs)) throw new UserError(`create ${id}: config.json: root.path: ${rootfs} does not exist`);

  store.claim(id);
  trace("config read");
  let cgroup: CgroupHandle | undefined;
  let launched: Launched | undefined;
  try {
    // mountinfo's cgroup mounts, kept under the root ("@": never a container id): mountinfo grows
    // with every container's mounts, and layout-cache.ts checks that the cache still holds.
    cacheLayoutIn(`${store.root}/@cgroup-layout.json`);
    const layout = detectLayout();
    const cgroupPlan = layout.kind === "none" ? undefined : planCgroup(containerResources(spec), resolveCgroupPath(spec.linux?.cgroupsPath, id), layout);
    cgroup = cgroupPlan?.handle;
    // Named before it exists: a create that dies from here on is cleaned up by delete.
    store.saveCreating(id, { creator: process.pid, creatorStart: readStat(process.pid)?.startTime ?? 0, cgroup });
    trace("cgroup planned");
    const notes: string[] = [];
    const seccomp = spec.linux?.seccomp ? compileSeccompCached(spec.linux.seccomp as never, store.root) : undefined;
    const plan = compileCreate(spec, {
      bundle,
      id,
      execFifo: opts.startAtOnce ? undefined : store.fifo(id),
      consoleSocket: opts.consoleSocket,
      foreground: opts.foreground,
      noPivot: opts.noPivot,
      cgroupJoin: cgroup ? cgroupJoin(cgroup) : undefined,
      host: hostView(layout, cgroup, !!spec.linux?.mountLabel),
      seccomp,
    }, notes);
    printWarnings(notes);
    const hooks = spec.hooks ?? {};
    const stateAt = (status: Status, pid: number) => ({
      ociVersion: OCI_VERSION, id, status, pid, bundle, annotations: spec.annotations ?? {},
    });
    if (!opts.noNewKeyring) plan.keyring = id;
    plan.hookSync = !!(hooks.prestart?.length || hooks.createRuntime?.length || hooks.createContainer?.length) || undefined;
    plan.startHooks = hooks.startContainer?.length ? launcherHooks(hooks.startContainer, stateAt("created", 0)) : undefined;
    if (plan.seccomp && seccomp) saveSeccomp(store.dir(id), seccomp); // for exec (seccomp-cache.ts)
    // The cgroups are made while the launcher makes the namespaces (~0.7 ms it no longer waits
    // for), unless it runs no stage 2 to place in them late (native/common/plan_ids.h).
    plan.cgroupWait = !!cgroupPlan && !plan.noFork && !plan.persist?.length && !cgroupsMustComeFirst(plan);
    const makeCgroup = () => {
      if (cgroupPlan) createCgroup(cgroupPlan);
      trace("cgroup created");
    };
    if (!plan.cgroupWait) makeCgroup();
    trace("plan compiled");
    launched = await launch(plan, {
      stdio: opts.stdio,
      passFds: opts.passFds,
      started: launcher,
      whilePlanned: makeCgroup,
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
    if (opts.laterVerbs) {
      store.markFastVerbs(id, rec.pid, rec.startTime, {
        start: !!plan.execFifo && !hooks.poststart?.length,
        delete: hooks.poststop?.length ? undefined : { cgroupDirs: cgroup?.dirs.map((d) => d.dir) ?? [] },
      });
    }
    writePidFile(opts.pidFile, launched.pid);
    return { rec, launched };
  } catch (err) {
    if (launched) {
      try {
        process.kill(launched.pid, "SIGKILL");
      } catch {}
      await waitGone(launched.pid, undefined, 2000);
    } else {
      // A launcher that has its plan may be making the exec fifo in the state directory while we
      // remove it (the cgroups, made after the plan, failed): it goes first. Closed before its
      // plan, or done already (launch() waited), this changes nothing.
      try {
        launcher.proc.kill("SIGKILL");
      } catch {}
      await launcher.proc.exited;
    }
    if (cgroup) await destroyCgroup(cgroup, { kill: true }).catch(() => {});
    store.remove(id);
    throw describeFailure("create", id, err);
  }
}

/** Namespaces after which stage 1 could no longer join the host's cgroups late: in a user
 * namespace they are host root's files; in a joined mount namespace their paths are the
 * container's; in a joined cgroup namespace, outside its root. Those plans make the cgroups first. */
function cgroupsMustComeFirst(plan: LaunchPlan): boolean {
  if ((plan.newNamespaces ?? 0) & CLONE.NEWUSER) return true;
  return !!plan.join?.some((ns) => ns.type === CLONE.NEWUSER || ns.type === CLONE.NEWNS || ns.type === CLONE.NEWCGROUP);
}

/** Opens the exec fifo: the container's init, blocked writing it, goes on to exec. */
export interface RunOptions extends CreateOptions {
  detach?: boolean;
  keep?: boolean;
}

/** create + start; in the foreground also wait for the exit, delete, and return its status. */
export async function run(store: StateStore, opts: RunOptions): Promise<number> {
  const forwarded: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];
  let launcher: LauncherProcess | undefined;
  const forward = (sig: NodeJS.Signals) => launcher?.kill(sig);
  // SIGINT and SIGQUIT from the terminal reach the launcher directly (same process group).
  const ignore = () => {};
  const handle = (on: boolean) => {
    if (opts.detach) return;
    for (const s of forwarded) on ? process.on(s, forward) : process.off(s, forward);
    for (const s of ["SIGINT", "SIGQUIT"] as const) on ? process.on(s, ignore) : process.off(s, ignore);
  };
  // No exec fifo: between create and start nobody can see the container, so the process goes on
  // to exec at once instead of waiting for us to write its state and open the fifo (runc's run
  // does both steps; crun's does without, as here). It may then run, and be signalled by whoever
  // runs us, before create returns: forward from the moment the launcher exists, or a SIGTERM
  // would kill us and leave the container behind. One that comes before the launcher has its
  // plan ends it, and the create fails and cleans up.
  let made: Awaited<ReturnType<typeof create>>;
  try {
    made = await create(store, {
      ...opts, foreground: !opts.detach, startAtOnce: true, laterVerbs: !!(opts.detach || opts.keep),
      onLauncher: (proc) => {
        launcher = proc;
        handle(true);
      },
    });
  } catch (err) {
    handle(false);
    throw err;
  }
  const { rec, launched } = made;
  try {
    await poststart(store, rec);
  } catch (err) {
    handle(false);
    await remove(store, opts.id, true, rec);
    throw err;
  }
  trace("started");
  if (opts.detach) return 0;
  const code = await launched.exited;
  trace("exited");
  handle(false);
  if (!opts.keep) await remove(store, opts.id, true, rec);
  trace("removed");
  return code;
}
