// nsbox-runtime's create and delete for the engine's default runtime, done in the engine's own
// process with the runtime's library (src/runtime/lifecycle.ts: the same code as
// `nsbox-runtime create` and `delete --force`) instead of a runtime process each, which costs a
// Bun start-up (~20 ms of CPU) per container start.
//
// The container's init must still be the monitor's child (the monitor is the subreaper that keeps
// it running, logging and restarting with no nsbox process alive), so the monitor starts the
// launcher: we hand it the launcher's end of the plan socket (its fd 4) and follow the launcher's
// protocol here (plan, cgroups, state directory, sync lines). Both start first, while we write
// the bundle (the launcher waits for its plan). Once we have the PID we tell the monitor, which
// goes on as with any runtime ("created", our "s", "ready"). It also removes the state and
// cgroups itself after each exit (--runtime-state, --cgroup), and its restarts run
// `nsbox-runtime create`, so the state directory tells the truth to `nsbox-runtime state/list`.
import { closeSync, existsSync } from "node:fs";
import { LAUNCHER_PATH, type LauncherProcess } from "../linux/launcher.ts";
import { socketpair } from "../linux/libc.ts";
import { create } from "../runtime/lifecycle.ts";
import { remove } from "../runtime/operations.ts";
import { StateStore } from "../runtime/state.ts";
import { containerCgroup } from "./cgroup.ts";
import type { Spec } from "../oci/spec.ts";
import { MonitorLink, wrap, type Monitor, type MonitorArgs } from "./monitor.ts";

/** The monitor's arguments that let it start and delete the container without a runtime process. */
export function inlineMonitorArgs(runtimeRoot: string, id: string): Pick<MonitorArgs, "startFifo" | "runtimeState" | "cgroups"> {
  const store = new StateStore(runtimeRoot);
  return { startFifo: store.fifo(id), runtimeState: store.dir(id), cgroups: containerCgroup(id)?.dirs.map((d) => d.dir) };
}

/** A container's monitor and launcher, started before its bundle exists; then create() or abort(). */
export class InlineStart {
  private closed = false;

  private constructor(
    private readonly store: StateStore,
    private readonly a: MonitorArgs,
    private readonly link: MonitorLink,
    /** Our end of the launcher's plan socket. */
    private readonly sock: number,
  ) {}

  static begin(runtimeRoot: string, a: MonitorArgs): InlineStart {
    const [sock, theirs] = socketpair();
    let link: MonitorLink;
    try {
      link = MonitorLink.spawn({ ...a, ...inlineMonitorArgs(runtimeRoot, a.id), launcher: LAUNCHER_PATH }, theirs);
    } catch (err) {
      closeSync(sock);
      throw err;
    } finally {
      closeSync(theirs);
    }
    return new InlineStart(new StateStore(runtimeRoot), a, link, sock);
  }

  /** Creates the container from the bundle now written (`spec`: its config.json, as written); resolves once it is "created". */
  async create(spec?: Spec): Promise<Monitor> {
    const { store, a, link } = this;
    const proc: LauncherProcess = {
      get exited() {
        return Promise.resolve(link.launcherExited());
      },
      kill: () => link.abort(true),
    };
    let made = false;
    let pid: number;
    try {
      const { launched } = await create(store, {
        id: a.id, bundle: a.bundle, spec, consoleSocket: a.terminal ? a.consoleSocket : undefined, launcher: { sock: this.sock, proc },
      });
      made = true;
      link.sendPid(launched.pid);
      pid = link.created();
    } catch (err) {
      // create() removes what it made when it fails itself; after that the container is ours to delete.
      this.abort();
      if (made) await remove(store, a.id, true).catch(() => {});
      throw err;
    } finally {
      this.closeSock();
    }
    return wrap(link, pid, true, () => remove(store, a.id, true));
  }

  /** Gives up before or during create: the monitor is killed, and the launcher sees its plan socket close. */
  abort(): void {
    this.link.abort(true);
    this.closeSock();
  }

  private closeSock(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.sock);
  }
}

/** What a monitor killed with -9 (or a reboot) left of the last run, deleted in this process. */
export async function deleteInline(runtimeRoot: string, id: string): Promise<void> {
  const store = new StateStore(runtimeRoot);
  if (existsSync(store.dir(id))) await remove(store, id, true);
}
