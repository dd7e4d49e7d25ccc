// The light verbs: state's status, start, kill and delete, and the pid file. Kept apart from
// create and run (lifecycle.ts), which need the plan compiler, the launcher, seccomp and the
// cgroup planner: `nsbox-runtime start/kill/delete/state`, started once per verb by podman and
// containerd, load only this (with bin/ compiled with --splitting, a module graph is a chunk;
// create's is ~110 KB and ~1-2 ms to load).
import { closeSync, constants, existsSync, openSync, readlinkSync, readSync, renameSync, unlinkSync, writeFileSync } from "../linux/fs.ts";
import { resolve } from "node:path";
import { errnoMessage, UserError } from "../common/errors.ts";
import { printErr } from "../common/output.ts";
import { cgroupPids, destroyCgroup } from "../linux/cgroups/destroy.ts";
import { freezerState, thaw } from "../linux/cgroups/freezer.ts";
import { pollReadable } from "../linux/libc.ts";
import { isAlive, waitGone } from "../linux/proc.ts";
import type { Hook, State, Status } from "../oci/spec.ts";
import { StateStore, type ContainerRecord } from "./state.ts";

/** Hooks whose failure only warns (poststart, poststop); their module is loaded when there are some. */
async function runWarnOnly(kind: "poststart" | "poststop", hooks: Hook[], state: State): Promise<void> {
  const { runHooksWarnOnly } = await import("./hooks.ts");
  await runHooksWarnOnly(kind, hooks, state);
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
  await poststart(store, rec);
}

/** The poststart hooks, "after the user-specified process is executed" (start, or run at once). */
export async function poststart(store: StateStore, rec: ContainerRecord): Promise<void> {
  const hooks = rec.config.hooks?.poststart;
  if (!hooks?.length) return;
  // Wait until the init is no longer the launcher.
  await waitExec(rec.pid, 1000);
  await runWarnOnly("poststart", hooks, store.ociState(rec, "running"));
}

/** How /proc/PID/exe names the launcher until it execs: its sealed copy (native/launcher/sealed_exe.c). */
export const LAUNCHER_EXE = "/memfd:nsbox-launcher";

/** Polls until `pid` has exec'd its program (its /proc/PID/exe is no longer the launcher), or is gone. */
async function waitExec(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 0.1; Date.now() < deadline; delay = Math.min(delay * 2, 10)) {
    try {
      if (!readlinkSync(`/proc/${pid}/exe`).startsWith(LAUNCHER_EXE)) return;
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

/** `loaded`: the container's record when the caller has it in hand (run), not read again. */
export async function remove(store: StateStore, id: string, force = false, loaded?: ContainerRecord): Promise<void> {
  StateStore.checkId(id);
  let rec: ContainerRecord;
  try {
    rec = loaded ?? store.load(id);
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
  if (hooks?.length) await runWarnOnly("poststop", hooks, { ...store.ociState(rec, "stopped"), pid: rec.pid });
}
