// Per-layer progress for pull and load: on a terminal, one line per layer redrawn in place with a
// bar (docker's look); otherwise one plain line per state change, no byte counts.
import type { PullEvent } from "../registry/pull.ts";
import type { LoadEvent } from "../archive/load.ts";
import { humanSize } from "./format.ts";

interface Bytes {
  done: number;
  total: number;
}

export class ProgressBoard {
  private order: string[] = [];
  private lines = new Map<string, string>();
  private states = new Map<string, string>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(readonly tty: boolean, readonly out: NodeJS.WriteStream = process.stderr) {}

  /** A layer's state ("Downloading"); with `bytes`, a terminal shows a bar after it. */
  set(id: string, state: string, bytes?: Bytes): void {
    if (!this.lines.has(id)) this.order.push(id);
    const prev = this.states.get(id);
    this.states.set(id, state);
    this.lines.set(id, bytes ? `${state} ${bar(bytes.done, bytes.total)}` : state);
    if (!this.tty) {
      if (prev !== state) this.out.write(`${id}: ${state}\n`);
      return;
    }
    // Byte updates come per chunk: redraw at most every 100 ms, but always on a new state or the last byte.
    if (!bytes || prev !== state || bytes.done >= bytes.total || Date.now() - this.lastDraw > 100) this.draw();
  }

  private draw(): void {
    this.lastDraw = Date.now();
    let s = this.drawn ? `\x1b[${this.drawn}A` : "";
    for (const id of this.order) s += `\x1b[2K${id}: ${this.lines.get(id)}\n`;
    this.drawn = this.order.length;
    this.out.write(s);
  }

  finish(): void {
    if (this.tty && this.order.length) this.draw();
  }
}

function bar(done: number, total: number): string {
  const width = 30;
  const n = total ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${"=".repeat(Math.max(0, n - 1))}${n ? ">" : ""}${" ".repeat(width - n)}] ${humanSize(done)}/${humanSize(total)}`;
}

/**
 * docker's layer states. Off a terminal docker drops the messages that carry byte counts
 * (Downloading, Extracting), so a layer reads: Pulling fs layer, Verifying Checksum, Download
 * complete, Pull complete (or Already exists).
 */
export class PullProgress extends ProgressBoard {
  event(e: PullEvent): void {
    if (e.kind !== "layer") return;
    const id = e.digest.slice(7, 19);
    if (e.status === "downloading") {
      if (this.tty) this.set(id, "Downloading", { done: e.done ?? 0, total: e.total ?? 0 });
      return;
    }
    if (e.status === "extracting") {
      // fetchBlob has checked the digest by now: the download is verified and complete.
      if (!this.tty) return this.set(id, "Verifying Checksum"), this.set(id, "Download complete");
      return this.set(id, "Extracting");
    }
    this.set(id, e.status === "waiting" ? "Pulling fs layer" : e.status === "exists" ? "Already exists" : "Pull complete");
  }
}

export class LoadProgress extends ProgressBoard {
  event(e: LoadEvent): void {
    // Layers are named by digest (OCI layout blobs/sha256/HEX, docker-archive HEX/layer.tar), else by path.
    const id = /[a-f0-9]{64}/.exec(e.path)?.[0].slice(0, 12) ?? e.path;
    this.set(id, "Loading layer", { done: e.done, total: e.total });
  }
}
