// The little of RFC 1035 the embedded resolver needs (pure): read the question of a query, write an
// answer with A records or an error code. Anything else (EDNS, compression in questions) is either
// ignored or forwarded upstream untouched.

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const RCODE_NOERROR = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_REFUSED = 5;

export interface Question {
  id: number;
  rd: boolean; // recursion desired, echoed back
  name: string; // lower case, no trailing dot
  type: number;
  klass: number;
  end: number; // offset just after the question
}

/** The first question of a standard query; undefined when the packet is not one we can read. */
export function parseQuery(buf: Uint8Array): Question | undefined {
  if (buf.length < 17) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = dv.getUint16(2);
  if (flags & 0x8000 || ((flags >> 11) & 0xf) !== 0 || dv.getUint16(4) < 1) return undefined; // a response, or not QUERY
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= buf.length) return undefined;
    const len = buf[off]!;
    off++;
    if (len === 0) break;
    if (len > 63 || off + len > buf.length) return undefined; // pointers are not valid in a question we parse
    labels.push(new TextDecoder().decode(buf.subarray(off, off + len)));
    off += len;
  }
  if (off + 4 > buf.length) return undefined;
  return { id: dv.getUint16(0), rd: !!(flags & 0x0100), name: labels.join(".").toLowerCase(), type: dv.getUint16(off), klass: dv.getUint16(off + 2), end: off + 4 };
}

/** A response to `q` (its question copied from `query`) with A records for `ips`. */
export function buildAnswer(query: Uint8Array, q: Question, rcode: number, ips: string[] = [], ttl = 60): Uint8Array {
  const question = query.subarray(12, q.end);
  const out = new Uint8Array(12 + question.length + ips.length * 16);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, q.id);
  dv.setUint16(2, 0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | rcode); // QR, AA, RD?, RA
  dv.setUint16(4, 1);
  dv.setUint16(6, ips.length);
  out.set(question, 12);
  let off = 12 + question.length;
  for (const ip of ips) {
    dv.setUint16(off, 0xc00c); // name: pointer to the question's name
    dv.setUint16(off + 2, TYPE_A);
    dv.setUint16(off + 4, 1); // IN
    dv.setUint32(off + 6, ttl);
    dv.setUint16(off + 10, 4);
    ip.split(".").forEach((p, i) => (out[off + 12 + i] = Number(p)));
    off += 16;
  }
  return out;
}

/** A query for `name` (tests and the health check use it). */
export function buildQuery(id: number, name: string, type = TYPE_A): Uint8Array {
  const labels = name.split(".").filter(Boolean).map((l) => new TextEncoder().encode(l));
  const out = new Uint8Array(12 + labels.reduce((n, l) => n + l.length + 1, 0) + 5);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, id);
  dv.setUint16(2, 0x0100);
  dv.setUint16(4, 1);
  let off = 12;
  for (const l of labels) {
    out[off++] = l.length;
    out.set(l, off);
    off += l.length;
  }
  out[off++] = 0;
  dv.setUint16(off, type);
  dv.setUint16(off + 2, 1);
  return out;
}

/** Reads the rcode and A records of a response (tests). */
export function parseAnswer(buf: Uint8Array): { id: number; rcode: number; ips: string[] } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const q = parseQuery(Uint8Array.from([...buf.subarray(0, 2), 0x01, 0x00, ...buf.subarray(4)]))!;
  const ips: string[] = [];
  let off = q.end;
  for (let i = 0; i < dv.getUint16(6); i++) {
    off += (buf[off]! & 0xc0) === 0xc0 ? 2 : 0;
    const type = dv.getUint16(off);
    const len = dv.getUint16(off + 8);
    if (type === TYPE_A && len === 4) ips.push(Array.from(buf.subarray(off + 10, off + 14)).join("."));
    off += 10 + len;
  }
  return { id: dv.getUint16(0), rcode: dv.getUint16(2) & 0xf, ips };
}
