// Pull progress, per layer: redrawn bars on a terminal, one plain line per state change otherwise.
import type { PullEvent } from "../registry/pull.ts";
import { humanSize } from "./format.ts";

export class PullProgress {
  private order: string[] = [];
  private lines = new Map<string, string>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(readonly tty: boolean, readonly out: NodeJS.WriteStream = process.stderr) {}

  event(e: PullEvent): void {
    if (e.kind !== "layer") return;
    const id = e.digest.slice(7, 19);
    if (!this.lines.has(id)) this.order.push(id);
    const text = e.status === "waiting" ? "Waiting"
      : e.status === "exists" ? "Already exists"
      : e.status === "downloading" ? `Downloading ${this.bar(e.done ?? 0, e.total ?? 0)}`
      : e.status === "extracting" ? "Extracting"
      : "Pull complete";
    const prev = this.lines.get(id);
    this.lines.set(id, text);
    if (!this.tty) {
      // Plain output: state changes only, no byte counts.
      const plain = text.startsWith("Downloading") ? "Downloading" : text;
      if (!prev || !prev.startsWith(plain)) this.out.write(`${id}: ${plain}\n`);
      return;
    }
    const now = Date.now();
    if (e.status !== "downloading" || now - this.lastDraw > 100) this.draw();
  }

  private bar(done: number, total: number): string {
    const width = 30;
    const n = total ? Math.min(width, Math.floor((done / total) * width)) : 0;
    return `[${"=".repeat(Math.max(0, n - 1))}${n ? ">" : ""}${" ".repeat(width - n)}] ${humanSize(done)}/${humanSize(total)}`;
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
