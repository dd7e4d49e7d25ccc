// Stopping, killing, waiting for and removing containers. The monitor is the container's parent;
// we only signal the init and watch status.json. A "stopped" marker in the container directory
// tells the monitor that a user stopped it, so no restart policy applies.
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { isAlive } from "../linux/proc.ts";
import { UserError } from "../common/errors.ts";
import { freeze, thaw } from "../linux/cgroups/index.ts";
import { parseSignal } from "../linux/signals.ts";
import { containerCgroup } from "./cgroup.ts";
import type { Row } from "./db.ts";
import type { Engine } from "./engine.ts";
import { teardownNetwork } from "./network.ts";
import { runtimeCommand } from "./runtimes.ts";
import { monitorAlive, readMonitorStatus } from "./state.ts";
import { notifyWaiters } from "./wait.ts";
import { hasVolumeMounts } from "./volumes.ts";

function signalPid(pid: number, sig: number): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Polls until the container is no longer running (nor restarting); false on timeout. */
async function waitStopped(e: Engine, r: Row, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const st = e.state(r);
    if (!st.Running && !st.Restarting) return true;
    if (Date.now() > deadline) return false;
    await Bun.sleep(delay);
  }
}

export async function waitMonitorGone(e: Engine, id: string, timeoutMs: number): Promise<boolean> {
  const st = readMonitorStatus(e.paths.status(id));
  const deadline = Date.now() + timeoutMs;
  while (st && monitorAlive(st.MonitorPid)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(10);
  }
  return true;
}

export async function stopContainer(e: Engine, ref: string, timeoutSec?: number, signal?: string): Promise<void> {
  const r = e.row(ref);
  writeFileSync(`${e.paths.dir(r.id)}/stopped`, "");
  const st = e.state(r);
  if (!st.Running) return;
  const cg = containerCgroup(r.id);
  if (st.Paused && cg) await thaw(cg).catch(() => {});
  const timeout = timeoutSec ?? r.doc.Config.StopTimeout ?? 10;
  if (st.Pid) signalPid(st.Pid, parseSignal(signal ?? r.doc.Config.StopSignal ?? "SIGTERM"));
  if (await waitStopped(e, r, timeout * 1000)) return;
  const now = e.state(r);
  if (now.Pid) signalPid(now.Pid, 9);
  if (!(await waitStopped(e, r, 10000))) throw new UserError(`cannot stop container: ${ref}: it did not exit after SIGKILL`, 1);
}

export function killContainer(e: Engine, ref: string, signal = "SIGKILL"): void {
  const r = e.row(ref);
  const sig = parseSignal(signal);
  const st = e.state(r);
  if (!st.Running || !st.Pid) throw new UserError(`cannot kill container: ${ref}: container ${r.id} is not running`, 1);
  signalPid(st.Pid, sig);
}

export async function waitContainer(e: Engine, ref: string): Promise<number> {
  const r = e.row(ref);
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const st = e.state(r);
    if (st.Status === "exited" || st.Status === "dead") return st.ExitCode;
    if (!e.db.get(r.id)) return st.ExitCode; // removed meanwhile (--rm)
    await Bun.sleep(delay);
  }
}

/** `volumes`: the container's anonymous volumes go too (docker's rm -v; --rm containers always). */
export async function removeContainer(e: Engine, ref: string, force = false, volumes = false): Promise<void> {
  const r = e.row(ref);
  const st = e.state(r);
  const name = r.name;
  if ((st.Running || st.Restarting) && !force)
    throw new UserError(`cannot remove container "/${name}": container is running: stop the container before removing or force remove`, 1);
  const deps = e.dependents(r.id);
  if (deps.length && !force) {
    const d = deps[0]!;
    throw new UserError(`cannot remove container "/${name}": container "${d.name}" shares its namespaces; remove that first or force remove`, 1);
  }
  writeFileSync(`${e.paths.dir(r.id)}/stopped`, "");
  if (st.Running || st.Restarting) {
    const cg = containerCgroup(r.id);
    if (st.Paused && cg) await thaw(cg).catch(() => {});
    if (st.Pid) signalPid(st.Pid, 9);
    await waitStopped(e, r, 10000);
  }
  // A live monitor deletes the runtime's state itself once the process has exited (no need to
  // wait for it); if it was killed, we do it.
  const mon = readMonitorStatus(e.paths.status(r.id));
  if (!mon || !monitorAlive(mon.MonitorPid)) forceRuntimeDelete(e, r);
  await finalRemove(e, r, volumes);
}

/** Deletes the runtime's state of the container, if any is left (a no-op when none is). */
export function forceRuntimeDelete(e: Engine, r: Row): void {
  try {
    const rt = runtimeCommand(r.doc.HostConfig.Runtime, e.paths);
    if (!existsSync(`${rt.args[1]}/${r.id}`)) return; // runc's layout too: <root>/<id>
    Bun.spawnSync([rt.path, ...rt.args, "delete", "--force", r.id], { stdio: ["ignore", "ignore", "ignore"] });
  } catch {}
}

async function finalRemove(e: Engine, r: Row, volumes = false): Promise<void> {
  notifyWaiters(e, r.id, e.state(r).ExitCode);
  await teardownNetwork(e, r.id, r.doc.HostConfig.NetworkMode);
  e.cleanupFiles(r.id);
  e.db.delete(r.id);
  if ((volumes || r.doc.HostConfig.AutoRemove) && hasVolumeMounts(r.doc.Mounts)) e.volumes.removeAnonymous(r.doc.Mounts);
}

/** The file an attached `run --rm` holds so that it, not the monitor's cleanup, removes the container. */
export function leasePath(e: Engine, id: string, pid = process.pid): string {
  return `${e.paths.dir(id)}/attached.${pid}`;
}

export function leased(e: Engine, id: string): boolean {
  try {
    return readdirSync(e.paths.dir(id)).some((f) => f.startsWith("attached.") && isAlive(Number(f.slice(9))));
  } catch {
    return false;
  }
}

/** The monitor's exit command for --rm containers: remove once stopped (never waits for the monitor, its caller). */
export async function cleanupContainer(e: Engine, id: string): Promise<void> {
  const r = e.db.get(id);
  if (!r || !r.doc.HostConfig.AutoRemove) return;
  if (e.state(r).Running || leased(e, id)) return;
  await finalRemove(e, r);
}

export async function pauseContainer(e: Engine, ref: string, pause: boolean): Promise<void> {
  const r = e.row(ref);
  const st = e.state(r);
  if (!st.Running) throw new UserError(`container ${r.id} is not running`, 1);
  if (pause && st.Paused) throw new UserError(`container ${r.id} is already paused`, 1);
  if (!pause && !st.Paused) throw new UserError(`container ${r.id} is not paused`, 1);
  const cg = containerCgroup(r.id);
  if (!cg) throw new UserError("pause needs a cgroup freezer, and no cgroup filesystem is mounted", 1);
  await (pause ? freeze(cg) : thaw(cg));
}

export async function restartContainer(e: Engine, ref: string, timeoutSec?: number, seen = new Set<string>()): Promise<void> {
  await stopContainer(e, ref, timeoutSec);
  const r = e.row(ref);
  await waitMonitorGone(e, r.id, 5000);
  rmSync(`${e.paths.dir(r.id)}/stopped`, { force: true });
  const { startContainer } = await import("./start.ts");
  await startContainer(e, ref);
  // Net and IPC namespaces are pinned, so their dependents carry on. PID and UTS namespaces are
  // new after a restart: dependents sharing those are restarted after it, in graph order.
  seen.add(r.id);
  for (const d of e.dependents(r.id)) {
    const h = d.doc.HostConfig;
    if (seen.has(d.id) || (h.PidMode !== `container:${r.id}` && h.UTSMode !== `container:${r.id}`)) continue;
    await restartContainer(e, d.id, timeoutSec, seen);
  }
}
