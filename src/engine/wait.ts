// `wait` with the Docker Engine API's conditions (POST /containers/{id}/wait?condition=):
//   not-running (default)  returns at once with the exit code if the container is not running
//                          (created, exited), else at its next exit;
//   next-exit              always waits for the next exit (a created container: its first run);
//   removed                waits until the container is removed (rm, or a --rm container's cleanup).
// As in docker, an exit that the restart policy follows with a restart ends a not-running or
// next-exit wait, and a removal ends every wait. Exits are told apart by the monitor's FinishedAt
// (nanoseconds) growing, so a quick exit-and-restart between two polls is not missed.
//
// Removal takes the record and the container's directory (status.json) with it, so the final exit
// code could be lost between two polls: each waiter registers a file
// <run root>/waiters/<id>.<pid>, into which the removal writes the exit code it saw last
// (notifyWaiters, called by every removal path before the record goes).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { isAlive } from "../linux/proc.ts";
import type { Engine } from "./engine.ts";

export const WAIT_CONDITIONS = ["not-running", "next-exit", "removed"] as const;
export type WaitCondition = (typeof WAIT_CONDITIONS)[number];

/** Pure: a condition name, as the API's (empty = not-running); docker's "invalid condition" otherwise. */
export function parseWaitCondition(s: string | undefined): WaitCondition {
  if (s === undefined || s === "") return "not-running";
  if ((WAIT_CONDITIONS as readonly string[]).includes(s)) return s as WaitCondition;
  throw new UserError(`invalid condition: "${s}" (expected ${WAIT_CONDITIONS.join(", ")})`, 125);
}

function waitersDir(e: Engine): string {
  return e.paths.waiters;
}

/** Called by a removal with the container's final exit code: tells live waiters, drops dead ones' files. */
export function notifyWaiters(e: Engine, id: string, exitCode: number): void {
  let names: string[];
  try {
    names = readdirSync(waitersDir(e));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${id}.`)) continue;
    const file = `${waitersDir(e)}/${n}`;
    if (isAlive(Number(n.slice(id.length + 1)))) writeFileSync(file, String(exitCode));
    else rmSync(file, { force: true });
  }
}

export async function waitCondition(e: Engine, ref: string, condition: WaitCondition = "not-running"): Promise<number> {
  const r = e.row(ref);
  const file = `${waitersDir(e)}/${r.id}.${process.pid}`;
  mkdirSync(waitersDir(e), { recursive: true, mode: 0o700 });
  writeFileSync(file, "");
  try {
    let st = e.state(r);
    if (condition === "not-running" && !st.Running) return st.ExitCode;
    const finishedAt = st.FinishedAt;
    let sawRunning = st.Running;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if (!e.db.get(r.id)) {
        const told = readFileSync(file, "utf8");
        return told ? Number(told) : st.ExitCode;
      }
      st = e.state(r);
      if (condition !== "removed") {
        // A later FinishedAt is an exit (whether a restart follows or not; a new run's monitor
        // starts with none); a running container that stopped without one is a monitor killed
        // with it (state: exited 255). The timestamps are ISO 8601 in UTC: they sort as strings.
        if (st.FinishedAt > finishedAt) return st.ExitCode;
        if (sawRunning && !st.Running) return st.ExitCode;
        sawRunning ||= st.Running && !st.Restarting;
      }
      await Bun.sleep(delay);
    }
  } finally {
    rmSync(file, { force: true });
  }
}
