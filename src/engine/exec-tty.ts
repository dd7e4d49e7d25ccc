// `exec -it` with detach keys: a pty of our own between the user's terminal and the runtime's exec
// (which relays its stdin/stdout to the container-side pty and copies its stdin's window size), so
// the CLI sees the keystrokes. On the detach keys the exec'd process must live on, as in docker: our
// pty master is handed to a drainer (`cat` to /dev/null) that keeps it open until the process exits.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import tty from "node:tty";
import { dupFd, openPtyMaster, setWindowSize } from "../linux/libc.ts";
import { DetachScanner } from "./detach-keys.ts";
import { setRawTerminal } from "./raw-terminal.ts";

export interface RelayPty {
  master: number;
  /** The peer, for the runtime's stdio (close our copy once it is spawned). */
  peer: number;
  resize(rows: number, cols: number): void;
}

export function openRelayPty(): RelayPty {
  let pty;
  try {
    pty = openPtyMaster(constants.O_RDWR | constants.O_NOCTTY | constants.O_CLOEXEC);
  } catch {
    throw new Error("exec: cannot open a pseudo-terminal");
  }
  const { master } = pty;
  const peer = openSync(pty.peer, constants.O_RDWR | constants.O_NOCTTY);
  return { master, peer, resize: (rows, cols) => void setWindowSize(master, rows, cols) };
}

/**
 * Relays our stdin (raw) to the master and the master to our stdout until the exec'd side closes
 * (resolves false) or the detach keys are typed (resolves true; a copy of the master then goes to a
 * drainer, so the exec'd process keeps its terminal and runs on).
 */
export async function relayPty(pty: RelayPty, keys: Uint8Array | undefined): Promise<boolean> {
  const spare = dupFd(pty.master); // for the drainer: the stream below closes the master
  const scanner = new DetachScanner(keys);
  const out = new tty.ReadStream(pty.master);
  let detached = false;
  const raw = process.stdin.isTTY;
  if (raw) setRawTerminal(true);
  const ended = new Promise<void>((res) => {
    out.on("close", res);
    out.on("end", res);
    out.on("error", res); // EIO once the exec'd side closed its end
  });
  out.on("data", (d: Buffer) => process.stdout.write(d));
  const onInput = (d: Buffer) => {
    const { forward, detached: now } = scanner.feed(d);
    try {
      if (forward.length) writeSync(pty.master, forward);
    } catch {}
    if (now) {
      detached = true;
      out.destroy();
    }
  };
  process.stdin.on("data", onInput);
  await ended;
  process.stdin.off("data", onInput);
  if (raw) setRawTerminal(false);
  process.stdin.pause();
  // Its own session: the hang-up of the terminal we were attached to must not reach it.
  if (detached) Bun.spawn(["cat"], { stdio: [spare, "ignore", "ignore"], detached: true }).unref();
  closeSync(spare);
  return detached;
}
