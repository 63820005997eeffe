// Varint byte I/O for the history records. Arithmetic (not 32-bit bit ops) so offsets up to
// 2^53 survive; fixed u32 fields exist only where a reader must binary-search.

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  uvarint(v: number) {
    this.ensure(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  svarint(v: number) {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  u32(v: number) {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  bytes(b: Buffer) {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  string(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.uvarint(b.length);
    this.bytes(b);
  }

  /** A view of what was written; valid until the next write. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset() {
    this.pos = 0;
  }

  /** A copy, so the writer can be reused. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

export class ByteReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  get done() {
    return this.pos >= this.buf.length;
  }

  uvarint(): number {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b === undefined) throw new Error('varint past end of record');
    if (b < 128) return b;
    let result = b & 127;
    let mul = 128;
    for (;;) {
      b = buf[this.pos++];
      if (b === undefined) throw new Error('varint past end of record');
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  }

  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  u32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error('u32 past end of record');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): string {
    const n = this.uvarint();
    if (this.pos + n > this.buf.length) throw new Error('string past end of record');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
