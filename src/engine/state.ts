// A container's live state: the record's last known State, corrected by what the monitor wrote
// (status.json) and by /proc (a monitor killed with -9 writes nothing more). Docker's state names.
import { readFileSync } from "node:fs";
import { freezerState, type CgroupHandle } from "../linux/cgroups/index.ts";
import { isAlive } from "../linux/proc.ts";
import type { ContainerState, MonitorStatus } from "./types.ts";
import { ZERO_TIME } from "./types.ts";

export function readMonitorStatus(path: string): MonitorStatus | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as MonitorStatus;
  } catch {
    return undefined;
  }
}

/** True when PID is a live nsbox-monitor (a recycled PID is some other program). */
export function monitorAlive(pid: number): boolean {
  if (!pid || !isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0")[0]!.endsWith("nsbox-monitor");
  } catch {
    return false;
  }
}

export function emptyState(): ContainerState {
  return {
    Status: "created", Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: "", StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

/**
 * Pure merge of the stored state with the monitor's status. `alive` tells whether the monitor
 * and the container's init still run; `frozen` whether its cgroup is frozen; `lost` that the
 * container ran but its status went with the run root (a reboot): exited, code unknown (255, as
 * docker shows containers a reboot stopped).
 */
export function mergeState(
  stored: ContainerState,
  st: MonitorStatus | undefined,
  alive: { monitor: boolean; init: boolean },
  frozen: boolean,
  lost = false,
): ContainerState {
  if (!st && lost)
    return { ...stored, Status: "exited", Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: 255, Error: stored.Error || "its run state was lost (a reboot)" };
  if (!st) {
    // Never started (or the start failed before the monitor wrote anything).
    return stored;
  }
  const s: ContainerState = {
    ...stored,
    Pid: st.Running ? st.Pid : 0,
    ExitCode: st.ExitCode,
    OOMKilled: st.OOMKilled,
    Error: st.Error,
    StartedAt: st.StartedAt || stored.StartedAt,
    FinishedAt: st.FinishedAt || stored.FinishedAt,
    Restarting: st.Restarting,
  };
  if (st.Running && !alive.init && !alive.monitor) {
    // The monitor was killed and the container went with it (or it died unseen): exited, unknown code.
    // (A live monitor is recording the exit it has just reaped: running until it has.)
    return { ...s, Status: "exited", Running: false, Paused: false, Pid: 0, ExitCode: 255, Error: s.Error || "the container's monitor died" };
  }
  if (st.Running) return { ...s, Status: frozen ? "paused" : "running", Running: true, Paused: frozen, Restarting: false };
  if (st.Restarting && alive.monitor) return { ...s, Status: "restarting", Running: true, Restarting: true };
  return { ...s, Status: "exited", Running: false, Paused: false, Restarting: false };
}

/** `lostRun`: asked only when there is no status (see mergeState's `lost`). */
export function liveState(stored: ContainerState, statusPath: string, cgroup: CgroupHandle | undefined, lostRun?: () => boolean): ContainerState {
  let st = readMonitorStatus(statusPath);
  const monitor = st ? monitorAlive(st.MonitorPid) : false;
  const init = st?.Running ? isAlive(st.Pid) : false;
  // A monitor records the exit it reaps and then may end: both can happen between our read of
  // its status and these checks, which would then take a normal exit for a killed monitor (exit
  // code 255; seen as `wait` returning 255 for a container that exited 6). Read it once more.
  if (st?.Running && !init && !monitor) st = readMonitorStatus(statusPath) ?? st;
  let frozen = false;
  if (st?.Running && init && cgroup) {
    try {
      frozen = freezerState(cgroup) === "FROZEN";
    } catch {}
  }
  return mergeState(stored, st, { monitor, init }, frozen, !st && !!lostRun?.());
}
