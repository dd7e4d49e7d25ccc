// Writes tar archives (ustar headers, pax extended headers when a field doesn't fit or xattrs are
// present). Deterministic: the same entries give the same bytes. Used for docker-archive output
// (`save`), layer tarballs built from directories, and the hand-made hostile archives in tests,
// so it writes names exactly as given, without any cleaning.
import type { EntryType } from "./reader.ts";

export interface TarWriteEntry {
  name: string;
  type?: EntryType; // default "file"
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
  size?: number; // for streamed bodies; defaults to data's length
}

const BLOCK = 512;
const flagOf: Record<EntryType, string> = {
  file: "0", link: "1", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6", other: "0",
};

function octal(buf: Buffer, off: number, len: number, value: number): boolean {
  const s = Math.floor(value).toString(8);
  if (s.length > len - 1 || value < 0) return false;
  buf.write(s.padStart(len - 1, "0") + "\0", off, len, "latin1");
  return true;
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from("\n")]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function rawHeader(e: TarWriteEntry, name: string, linkname: string, size: number, flag: string, pax: Buffer[]): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, "utf8");
  octal(h, 100, 8, (e.mode ?? (e.type === "dir" ? 0o755 : 0o644)) & 0o7777);
  if (!octal(h, 108, 8, e.uid ?? 0)) pax.push(paxRecord("uid", Buffer.from(String(e.uid))));
  if (!octal(h, 116, 8, e.gid ?? 0)) pax.push(paxRecord("gid", Buffer.from(String(e.gid))));
  if (!octal(h, 124, 12, size)) pax.push(paxRecord("size", Buffer.from(String(size))));
  const mtime = e.mtime ?? 0;
  if (!octal(h, 136, 12, mtime) || !Number.isInteger(mtime)) pax.push(paxRecord("mtime", Buffer.from(String(mtime))));
  h.write(flag, 156, 1, "latin1");
  h.write(linkname, 157, 100, "utf8");
  h.write("ustar\x0000", 257, 8, "latin1");
  h.write(e.uname ?? "", 265, 32, "utf8");
  h.write(e.gname ?? "", 297, 32, "utf8");
  octal(h, 329, 8, e.devmajor ?? 0);
  octal(h, 337, 8, e.devminor ?? 0);
  return h;
}

function checksum(h: Buffer): Buffer {
  h.fill(32, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return h;
}

/** Header block(s) for an entry whose body (size bytes) follows, then padding via `padding(size)`. */
export function tarHeader(e: TarWriteEntry, size: number): Buffer {
  const type = e.type ?? "file";
  const pax: Buffer[] = [];
  const nameBytes = Buffer.byteLength(e.name);
  const name = nameBytes < 100 ? e.name : "";
  if (!name) pax.push(paxRecord("path", Buffer.from(e.name)));
  const link = e.linkname ?? "";
  if (Buffer.byteLength(link) >= 100) pax.push(paxRecord("linkpath", Buffer.from(link)));
  for (const [k, v] of e.xattrs ?? []) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
  const main = rawHeader(e, name || e.name.slice(0, 99), Buffer.byteLength(link) < 100 ? link : "", size, flagOf[type], pax);
  if (pax.length === 0) return checksum(main);
  const data = Buffer.concat(pax);
  const ph = rawHeader({ name: "PaxHeader", mtime: 0 }, "././@PaxHeader", "", data.length, "x", []);
  return Buffer.concat([checksum(ph), data, padding(data.length), checksum(main)]);
}

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

export const tarEnd = (): Buffer => Buffer.alloc(BLOCK * 2);

/** A whole in-memory archive: for small archives (tests, manifests in docker-archive). */
export function buildTar(entries: { entry: TarWriteEntry; data?: Uint8Array | string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, data } of entries) {
    const body = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
    parts.push(tarHeader(entry, body.length), body, padding(body.length));
  }
  parts.push(tarEnd());
  return Buffer.concat(parts);
}
