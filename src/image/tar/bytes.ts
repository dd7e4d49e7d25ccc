// Pulls exact byte counts out of a stream of arbitrary chunks without copying large bodies.
import { UserError } from "../../common/errors.ts";

export class TarFormatError extends UserError {}

export class ByteReader {
  private it: AsyncIterator<Uint8Array>;
  private buf: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const { value, done } = await this.it.next();
    if (done) return false;
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    return true;
  }

  /** Exactly n bytes; at a clean end of stream returns undefined if allowEof, else throws. */
  async readExact(n: number, allowEof = false): Promise<Buffer | undefined> {
    while (this.buf.length < n) {
      if (!(await this.fill())) {
        if (allowEof && this.buf.length === 0) return undefined;
        throw new TarFormatError("unexpected end of archive (truncated tar stream)");
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Yields the next n bytes in chunks (slices of what the source produced). */
  async *stream(n: number): AsyncGenerator<Uint8Array> {
    while (n > 0) {
      if (this.buf.length === 0 && !(await this.fill())) throw new TarFormatError("unexpected end of archive (truncated tar stream)");
      const take = Math.min(n, this.buf.length);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      n -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n));
  }
}
