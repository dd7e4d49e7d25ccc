// Reading the monitor's json-file log: the rotated file (.1) then the current one, filtered by
// --since/--until and --tail, optionally followed until the container stops.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

export interface LogEntry {
  log: string;
  stream: "stdout" | "stderr";
  time: string;
}

export interface LogOptions {
  follow?: boolean;
  tail?: number; // entries from the end; undefined = all
  timestamps?: boolean;
  since?: number; // unix seconds
  until?: number;
}

/** Pure: parse JSON lines, skipping a torn last line (the monitor may be mid-write). */
export function parseEntries(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as LogEntry);
    } catch {}
  }
  return out;
}

export function selectEntries(entries: LogEntry[], o: LogOptions): LogEntry[] {
  let sel = entries.filter((e) => {
    const t = Date.parse(e.time) / 1000;
    return (o.since === undefined || t >= o.since) && (o.until === undefined || t <= o.until);
  });
  if (o.tail !== undefined) sel = o.tail <= 0 ? [] : sel.slice(-o.tail);
  return sel;
}

function readFrom(path: string, offset: number): { text: string; end: number } {
  if (!existsSync(path)) return { text: "", end: 0 };
  const size = statSync(path).size;
  if (size <= offset) return { text: "", end: size };
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    // Only whole lines: a torn tail is read again next time.
    const text = buf.toString("utf8", 0, n);
    const last = text.lastIndexOf("\n");
    return { text: text.slice(0, last + 1), end: offset + Buffer.byteLength(text.slice(0, last + 1)) };
  } finally {
    closeSync(fd);
  }
}

export type LogSink = (e: LogEntry, timestamps: boolean) => void;

export const writeToStdio: LogSink = (e, ts) => {
  const text = ts ? `${e.time} ${e.log}` : e.log;
  (e.stream === "stderr" ? process.stderr : process.stdout).write(text);
};

export async function streamLogs(path: string, o: LogOptions, running: () => boolean, sink: LogSink = writeToStdio): Promise<void> {
  const old = readFrom(`${path}.1`, 0).text;
  let { text, end } = readFrom(path, 0);
  for (const e of selectEntries(parseEntries(old + text), o)) sink(e, !!o.timestamps);
  if (!o.follow) return;
  for (;;) {
    const alive = running();
    if (existsSync(path) && statSync(path).size < end) end = 0; // rotated
    const next = readFrom(path, end);
    end = next.end;
    for (const e of selectEntries(parseEntries(next.text), { ...o, tail: undefined })) sink(e, !!o.timestamps);
    if (!alive) return;
    await Bun.sleep(100);
  }
}
