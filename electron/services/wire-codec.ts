// Kafka wire primitives for the few requests the console encodes itself (log-dirs.ts,
// offset-fetch-batch.ts): classic int16-length strings and int32-count arrays, and the
// flexible versions' compact forms (unsigned varint length + 1) with tagged-field sections.
// The reader refuses truncated input rather than inventing values.

export class WireWriter {
  private readonly parts: Buffer[] = [];

  private fixed(n: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    write(b);
    this.parts.push(b);
    return this;
  }
  i8(v: number) {
    return this.fixed(1, (b) => b.writeInt8(v));
  }
  bool(v: boolean) {
    return this.i8(v ? 1 : 0);
  }
  i16(v: number) {
    return this.fixed(2, (b) => b.writeInt16BE(v));
  }
  i32(v: number) {
    return this.fixed(4, (b) => b.writeInt32BE(v));
  }
  uvarint(v: number) {
    const bytes: number[] = [];
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  string(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.i16(b.length);
    this.parts.push(b);
    return this;
  }
  compactString(s: string | null) {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s, 'utf8');
    this.uvarint(b.length + 1);
    this.parts.push(b);
    return this;
  }
  /** Classic array: int32 count (-1 = null), then each item. */
  array<T>(items: T[] | null, each: (item: T) => void) {
    this.i32(items === null ? -1 : items.length);
    for (const item of items ?? []) each(item);
    return this;
  }
  /** Compact array: uvarint count + 1 (0 = null), then each item. */
  compactArray<T>(items: T[] | null, each: (item: T) => void) {
    this.uvarint(items === null ? 0 : items.length + 1);
    for (const item of items ?? []) each(item);
    return this;
  }
  /** An empty tagged-field section. */
  noTags() {
    return this.uvarint(0);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class WireReader {
  at = 0;
  constructor(
    private readonly buf: Buffer,
    /** Names the message in errors. */
    private readonly what: string,
  ) {}

  private need(n: number) {
    if (n < 0 || this.at + n > this.buf.length) throw new Error(`${this.what} response truncated at byte ${this.at}`);
  }
  i8() {
    this.need(1);
    return this.buf.readInt8((this.at += 1) - 1);
  }
  bool() {
    return this.i8() !== 0;
  }
  i16() {
    this.need(2);
    return this.buf.readInt16BE((this.at += 2) - 2);
  }
  i32() {
    this.need(4);
    return this.buf.readInt32BE((this.at += 4) - 4);
  }
  /** int64 as a number: offsets and sizes stay well below 2^53. */
  i64() {
    this.need(8);
    return Number(this.buf.readBigInt64BE((this.at += 8) - 8));
  }
  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      this.need(1);
      const b = this.buf[this.at++]!;
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 0x80;
      if (mul > 2 ** 35) throw new Error(`${this.what} response has a malformed varint at byte ${this.at}`);
    }
  }
  private text(len: number): string {
    this.need(len);
    this.at += len;
    return this.buf.toString('utf8', this.at - len, this.at);
  }
  /** Classic string; null (length -1) reads as ''. */
  string(): string {
    const len = this.i16();
    return len < 0 ? '' : this.text(len);
  }
  compactString(): string | null {
    const len = this.uvarint() - 1;
    return len < 0 ? null : this.text(len);
  }
  array<T>(item: () => T): T[] {
    return this.items(this.i32(), item);
  }
  /** Compact array; null reads as []. */
  compactArray<T>(item: () => T): T[] {
    return this.items(this.uvarint() - 1, item);
  }
  private items<T>(n: number, item: () => T): T[] {
    // Each item takes at least one byte: a count beyond the rest of the buffer is corruption.
    this.need(Math.max(0, n));
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
  /** Skips a tagged-field section (none of the tags we read carry anything we use). */
  skipTags() {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size);
      this.at += size;
    }
  }
}
