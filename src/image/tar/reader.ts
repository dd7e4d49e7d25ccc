// A streaming tar reader (POSIX ustar + pax extended headers + GNU long names), read-only and
// policy-free: it reports entries exactly as the archive states them. Safety (paths, links,
// devices) is the unpacker's job, never the parser's.
//
// Why our own ~200 lines instead of npm `tar`/`tar-stream`: node-tar's extractor has its own path
// policy and no xattr support (file capabilities, overlay markers), tar-stream would be fine but
// adds start-up cost and a dependency for what is a small, well-specified format. The security
// property lives in unpack.ts and does not depend on the parser.
import { ByteReader, TarFormatError } from "./bytes.ts";

export { TarFormatError };

export type EntryType = "file" | "link" | "symlink" | "char" | "block" | "dir" | "fifo" | "other";

export interface TarHeader {
  name: string;
  type: EntryType;
  mode: number; // permission bits incl. setuid/setgid/sticky
  uid: number;
  gid: number;
  size: number;
  mtime: number; // seconds, may be fractional (pax)
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  xattrs: Map<string, Buffer>;
}

export interface TarEntry extends TarHeader {
  /** The entry's data, in chunks; must be consumed before asking for the next entry (or is skipped). */
  body(): AsyncIterable<Uint8Array>;
}


const BLOCK = 512;
const typeOf: Record<string, EntryType> = {
  "0": "file", "\0": "file", "7": "file", "1": "link", "2": "symlink", "3": "char", "4": "block", "5": "dir", "6": "fifo",
};

function str(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const nul = s.indexOf(0);
  return (nul < 0 ? s : s.subarray(0, nul)).toString("utf8");
}

function num(b: Buffer, off: number, len: number): number {
  const f = b.subarray(off, off + len);
  if (f[0]! & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as a marker.
    let v = BigInt(f[0]! & 0x7f);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(f[i]!);
    return Number(v);
  }
  const s = str(b, off, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`invalid numeric field '${s}' in tar header`);
  return parseInt(s, 8);
}

function checksumOk(b: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  try {
    return sum === num(b, 148, 8);
  } catch {
    return false;
  }
}

/** pax records: "LEN key=value\n", values may be binary (SCHILY.xattr.*). */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.subarray(off, sp).toString("latin1"), 10);
    if (!(len > 0) || off + len > data.length) throw new TarFormatError("invalid pax header record");
    const rec = data.subarray(sp + 1, off + len - 1); // drop trailing \n
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.subarray(0, eq).toString("utf8"), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let globalPax = new Map<string, Buffer>();
  let pax: Map<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const hdr = await r.readExact(BLOCK, true);
    if (!hdr || hdr.every((x) => x === 0)) return; // end of archive (one or two zero blocks, or EOF)
    if (!checksumOk(hdr)) throw new TarFormatError("invalid tar header checksum (not a tar archive, or corrupted)");
    const flag = String.fromCharCode(hdr[156]!);
    let size = num(hdr, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      if (size > 16 << 20) throw new TarFormatError("tar extended header too large");
      const data = (await r.readExact(padded))!.subarray(0, size);
      if (flag === "x") pax = new Map([...(pax ?? []), ...parsePax(data)]);
      else if (flag === "g") globalPax = new Map([...globalPax, ...parsePax(data)]);
      else if (flag === "L") longName = str(data, 0, data.length);
      else longLink = str(data, 0, data.length);
      continue;
    }
    const ext = new Map([...globalPax, ...(pax ?? [])]);
    pax = undefined;
    const magic = hdr.subarray(257, 263).toString("latin1");
    const prefix = magic.startsWith("ustar") ? str(hdr, 345, 155) : "";
    let name = longName ?? (prefix ? `${prefix}/${str(hdr, 0, 100)}` : str(hdr, 0, 100));
    let linkname = longLink ?? str(hdr, 157, 100);
    longName = longLink = undefined;
    const xattrs = new Map<string, Buffer>();
    let mtime = num(hdr, 136, 12), uid = num(hdr, 108, 8), gid = num(hdr, 116, 8);
    let uname = str(hdr, 265, 32), gname = str(hdr, 297, 32);
    for (const [k, v] of ext) {
      if (k === "path") name = v.toString("utf8");
      else if (k === "linkpath") linkname = v.toString("utf8");
      else if (k === "size") size = Number(v.toString());
      else if (k === "mtime") mtime = Number(v.toString());
      else if (k === "uid") uid = Number(v.toString());
      else if (k === "gid") gid = Number(v.toString());
      else if (k === "uname") uname = v.toString("utf8");
      else if (k === "gname") gname = v.toString("utf8");
      else if (k.startsWith("SCHILY.xattr.")) xattrs.set(k.slice(13), v);
      else if (k.startsWith("LIBARCHIVE.xattr.")) xattrs.set(decodeURIComponent(k.slice(17)), Buffer.from(v.toString(), "base64"));
    }
    if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`invalid size for tar entry ${name}`);
    let type = typeOf[flag] ?? "other";
    // Old (v7) archives mark directories only with a trailing slash.
    if (type === "file" && name.endsWith("/")) type = "dir";
    // Header-only types carry no data whatever their size field says (as Go's archive/tar reads them).
    const dataSize = type === "file" || type === "other" ? size : 0;
    let remaining = dataSize;
    const pad = Math.ceil(remaining / BLOCK) * BLOCK - remaining;
    let consumed = false;
    const entry: TarEntry = {
      name, type, linkname, uid, gid, mtime, uname, gname, size: dataSize, xattrs,
      mode: num(hdr, 100, 8) & 0o7777,
      devmajor: num(hdr, 329, 8), devminor: num(hdr, 337, 8),
      body: async function* () {
        if (consumed) throw new Error("tar entry body read twice");
        consumed = true;
        for await (const chunk of r.stream(remaining)) {
          remaining -= chunk.length;
          yield chunk;
        }
        await r.skip(pad);
      },
    };
    yield entry;
    if (!consumed) {
      consumed = true;
      await r.skip(remaining + pad);
    } else if (remaining > 0) {
      await r.skip(remaining + pad); // consumer stopped early
    }
  }
}
