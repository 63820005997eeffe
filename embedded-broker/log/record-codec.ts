// Compact binary encoding for journal records (record-journal.ts): a growable buffer that is
// reused between batches, and a reader over one record's payload. Integers that may exceed
// 32 bits (offsets, timestamps) are float64, which holds every value a JS number can.

export class RecordWriter {
  buffer: Buffer;
  length = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void {
    this.length = 0;
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Skips `n` bytes to be filled in later; returns their position. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buffer[this.length++] = v;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buffer.writeInt32BE(v, this.length);
    this.length += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buffer.writeDoubleBE(v, this.length);
    this.length += 8;
  }

  /** UTF-8 string with an int32 byte length; -1 for null. */
  str(v: string | null): void {
    if (v === null) return this.i32(-1);
    // Worst case 3 bytes per UTF-16 unit, so one ensure covers the write.
    this.ensure(4 + v.length * 3);
    const n = v.length <= 64 ? writeShortAscii(this.buffer, v, this.length + 4) : -1;
    if (n >= 0) {
      this.buffer.writeInt32BE(n, this.length);
      this.length += 4 + n;
      return;
    }
    const bytes = this.buffer.write(v, this.length + 4, 'utf8');
    this.buffer.writeInt32BE(bytes, this.length);
    this.length += 4 + bytes;
  }
}

/**
 * Group ids and topic names are short ASCII; copying them byte by byte is several times
 * cheaper than Buffer#write's native UTF-8 path. Returns -1 (nothing usable written) at the
 * first non-ASCII character.
 */
function writeShortAscii(buf: Buffer, v: string, at: number): number {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[at + i] = c;
  }
  return v.length;
}

export class RecordReader {
  private pos = 0;

  constructor(readonly payload: Buffer) {}

  get remaining(): number {
    return this.payload.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.payload.length) throw new RangeError('journal record is truncated');
  }

  u8(): number {
    this.need(1);
    return this.payload[this.pos++]!;
  }

  i32(): number {
    this.need(4);
    const v = this.payload.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.payload.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  str(): string | null {
    const n = this.i32();
    if (n < 0) return null;
    this.need(n);
    const v = this.payload.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A string that must not be null. */
  text(): string {
    const v = this.str();
    if (v === null) throw new RangeError('journal record has a null where a string belongs');
    return v;
  }
}

/** JSON payloads: for records that are rare and shaped like trees (transaction metadata). */
export function jsonCodec<R>(): { encode(r: R, out: RecordWriter): void; decode(p: RecordReader): R } {
  return {
    encode(r, out) {
      const text = JSON.stringify(r);
      // Written raw (no length prefix): the frame already carries the payload length.
      const start = out.reserve(Buffer.byteLength(text, 'utf8'));
      out.buffer.write(text, start, 'utf8');
    },
    decode(p) {
      return JSON.parse(p.payload.toString('utf8')) as R;
    },
  };
}
