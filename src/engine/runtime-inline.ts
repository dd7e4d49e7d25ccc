// nsbox-runtime's create and delete for the engine's default runtime, done in the engine's own
// process with the runtime's library (src/runtime/lifecycle.ts: the same code as
// `nsbox-runtime create` and `delete --force`) instead of a runtime process each, which costs a
// Bun start-up (~20 ms of CPU) per container start.
//
// The container's init must still be the monitor's child (the monitor is the subreaper that keeps
// it running, logging and restarting with no nsbox process alive), so the monitor starts the
// launcher: we hand it the launcher's end of the plan socket (its fd 4) and follow the launcher's
// protocol here (plan, cgroups, state directory, sync lines). Once we have the PID we tell the
// monitor, which goes on as with any runtime ("created", our "s", "ready"). It also removes the
// state and cgroups itself after each exit (--runtime-state, --cgroup), and its restarts run
// `nsbox-runtime create`, so the state directory tells the truth to `nsbox-runtime state/list`.
import { existsSync } from "node:fs";
import { LAUNCHER_PATH } from "../linux/launcher.ts";
import { create, remove } from "../runtime/lifecycle.ts";
import { StateStore } from "../runtime/state.ts";
import { containerCgroup } from "./cgroup.ts";
import { MonitorLink, wrap, type Monitor, type MonitorArgs } from "./monitor.ts";

/** The monitor's arguments that let it start and delete the container without a runtime process. */
export function inlineMonitorArgs(runtimeRoot: string, id: string): Pick<MonitorArgs, "startFifo" | "runtimeState" | "cgroups"> {
  const store = new StateStore(runtimeRoot);
  return { startFifo: store.fifo(id), runtimeState: store.dir(id), cgroups: containerCgroup(id)?.dirs.map((d) => d.dir) };
}

/** Creates the container (bundle a.bundle) with nsbox-runtime's state under runtimeRoot; resolves once it is "created". */
export async function createInline(runtimeRoot: string, a: MonitorArgs): Promise<Monitor> {
  const store = new StateStore(runtimeRoot);
  let link: MonitorLink | undefined;
  let made = false;
  let pid: number;
  try {
    const { launched } = await create(store, {
      id: a.id,
      bundle: a.bundle,
      consoleSocket: a.terminal ? a.consoleSocket : undefined,
      spawnLauncher: (sync) => {
        const started = (link = MonitorLink.spawn({ ...a, launcher: LAUNCHER_PATH }, sync));
        return {
          get exited() {
            return Promise.resolve(started.launcherExited());
          },
          kill: () => started.abort(true),
        };
      },
    });
    made = true;
    link!.sendPid(launched.pid);
    pid = link!.created();
  } catch (err) {
    // create() removes what it made when it fails itself; after that the container is ours to delete.
    link?.abort(true);
    if (made) await remove(store, a.id, true).catch(() => {});
    throw err;
  }
  return wrap(link!, pid, true, () => remove(store, a.id, true));
}

/** What a monitor killed with -9 (or a reboot) left of the last run, deleted in this process. */
export async function deleteInline(runtimeRoot: string, id: string): Promise<void> {
  const store = new StateStore(runtimeRoot);
  if (existsSync(store.dir(id))) await remove(store, id, true);
}
