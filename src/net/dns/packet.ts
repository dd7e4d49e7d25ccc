// The little of RFC 1035 the embedded resolver needs (pure): read the question of a query, write an
// answer with A records or an error code. Anything else (EDNS, compression in questions) is either
// ignored or forwarded upstream untouched.

export const TYPE_A = 1;
export const TYPE_PTR = 12;
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

/** A domain name in wire format (labels, then a zero byte). */
export function encodeName(name: string): Uint8Array {
  const labels = name.split(".").filter(Boolean).map((l) => new TextEncoder().encode(l));
  const out = new Uint8Array(labels.reduce((n, l) => n + l.length + 1, 0) + 1);
  let off = 0;
  for (const l of labels) {
    out[off++] = l.length;
    out.set(l, off);
    off += l.length;
  }
  return out;
}

export interface DnsRecord {
  type: number;
  data: Uint8Array;
}

export function aRecord(ip: string): DnsRecord {
  return { type: TYPE_A, data: Uint8Array.from(ip.split(".").map(Number)) };
}

export function ptrRecord(name: string): DnsRecord {
  return { type: TYPE_PTR, data: encodeName(name) };
}

/** A response to `q` (its question copied from `query`) with `records` for the question's name. */
export function buildResponse(query: Uint8Array, q: Question, rcode: number, records: DnsRecord[] = [], ttl = 60): Uint8Array {
  const question = query.subarray(12, q.end);
  const out = new Uint8Array(12 + question.length + records.reduce((n, r) => n + 12 + r.data.length, 0));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, q.id);
  dv.setUint16(2, 0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | rcode); // QR, AA, RD?, RA
  dv.setUint16(4, 1);
  dv.setUint16(6, records.length);
  out.set(question, 12);
  let off = 12 + question.length;
  for (const r of records) {
    dv.setUint16(off, 0xc00c); // name: pointer to the question's name
    dv.setUint16(off + 2, r.type);
    dv.setUint16(off + 4, 1); // IN
    dv.setUint32(off + 6, ttl);
    dv.setUint16(off + 10, r.data.length);
    out.set(r.data, off + 12);
    off += 12 + r.data.length;
  }
  return out;
}

/** A response with A records for `ips`. */
export function buildAnswer(query: Uint8Array, q: Question, rcode: number, ips: string[] = [], ttl = 60): Uint8Array {
  return buildResponse(query, q, rcode, ips.map(aRecord), ttl);
}

/** A query for `name` (tests and the health check use it). */
export function buildQuery(id: number, name: string, type = TYPE_A): Uint8Array {
  const qname = encodeName(name);
  const out = new Uint8Array(12 + qname.length + 4);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, id);
  dv.setUint16(2, 0x0100);
  dv.setUint16(4, 1);
  out.set(qname, 12);
  const off = 12 + qname.length;
  dv.setUint16(off, type);
  dv.setUint16(off + 2, 1);
  return out;
}

/** Reads the rcode, A records and PTR names of a response (tests). */
export function parseAnswer(buf: Uint8Array): { id: number; rcode: number; ips: string[]; names: string[] } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const q = parseQuery(Uint8Array.from([...buf.subarray(0, 2), 0x01, 0x00, ...buf.subarray(4)]))!;
  const ips: string[] = [];
  const names: string[] = [];
  let off = q.end;
  for (let i = 0; i < dv.getUint16(6); i++) {
    off += (buf[off]! & 0xc0) === 0xc0 ? 2 : 0;
    const type = dv.getUint16(off);
    const len = dv.getUint16(off + 8);
    if (type === TYPE_A && len === 4) ips.push(Array.from(buf.subarray(off + 10, off + 14)).join("."));
    if (type === TYPE_PTR) names.push(decodeName(buf.subarray(off + 10, off + 10 + len)));
    off += 10 + len;
  }
  return { id: dv.getUint16(0), rcode: dv.getUint16(2) & 0xf, ips, names };
}

function decodeName(b: Uint8Array): string {
  const labels: string[] = [];
  for (let off = 0; off < b.length && b[off]! > 0 && b[off]! < 64; off += b[off]! + 1) labels.push(new TextDecoder().decode(b.subarray(off + 1, off + 1 + b[off]!)));
  return labels.join(".");
}
