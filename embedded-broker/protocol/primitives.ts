// Kafka wire primitives. Frames come from untrusted sockets, so every read is
// bounds-checked and every declared length is validated against the bytes that
// are actually there before anything is allocated.

export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}

const TWO_32 = 0x1_0000_0000;
// Largest int64 a JS number can carry without wrapping the high word.
const INT64_MAX_HI = 0x7fffffff;

export class Reader {
  position: number;
  readonly end: number;
  /**
   * Array elements this reader may still decode. A frame can declare one element per byte or
   * two, and each becomes an object (and often per-element work) in the broker, so without a
   * cap one 100 MB request could hold tens of millions of them.
   */
  elementBudget = Infinity;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new ProtocolDecodeError(`invalid reader window ${offset}..${end} of ${buffer.length}`);
    }
    this.position = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private need(n: number): number {
    const at = this.position;
    if (n > this.end - at) {
      throw new ProtocolDecodeError(`truncated: need ${n} bytes at ${at}, have ${this.end - at}`);
    }
    this.position = at + n;
    return at;
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError(`negative skip ${n}`);
    this.need(n);
  }

  readInt8(): number {
    return this.buffer.readInt8(this.need(1));
  }
  readUInt8(): number {
    return this.buffer[this.need(1)]!;
  }
  readInt16(): number {
    return this.buffer.readInt16BE(this.need(2));
  }
  readUInt16(): number {
    return this.buffer.readUInt16BE(this.need(2));
  }
  readInt32(): number {
    return this.buffer.readInt32BE(this.need(4));
  }
  readUInt32(): number {
    return this.buffer.readUInt32BE(this.need(4));
  }
  /** Beyond ±2^53 precision is lost; Keel treats int64 as plain numbers everywhere. */
  readInt64(): number {
    const at = this.need(8);
    return this.buffer.readInt32BE(at) * TWO_32 + this.buffer.readUInt32BE(at + 4);
  }
  readFloat64(): number {
    return this.buffer.readDoubleBE(this.need(8));
  }
  readBool(): boolean {
    return this.buffer[this.need(1)] !== 0;
  }

  readUVarint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buffer[this.need(1)]!;
      if (i === 4 && b > 0x0f) throw new ProtocolDecodeError('uvarint exceeds 32 bits');
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw new ProtocolDecodeError('uvarint longer than 5 bytes');
  }

  readVarint(): number {
    const u = this.readUVarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  readUVarlong(): number {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.buffer[this.need(1)]!;
      if (i === 9 && b > 0x01) throw new ProtocolDecodeError('uvarlong exceeds 64 bits');
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes');
  }

  readVarlong(): number {
    const u = this.readUVarlong();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  readUuid(): string {
    const at = this.need(16);
    return this.buffer.toString('base64url', at, at + 16);
  }

  private utf8(len: number): string {
    const at = this.need(len);
    return this.buffer.toString('utf8', at, at + len);
  }

  readString(): string {
    const len = this.readInt16();
    if (len < 0) throw new ProtocolDecodeError(`negative string length ${len}`);
    return this.utf8(len);
  }
  readNullableString(): string | null {
    const len = this.readInt16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolDecodeError(`invalid string length ${len}`);
    return this.utf8(len);
  }
  readCompactString(): string {
    const n = this.readUVarint();
    if (n === 0) throw new ProtocolDecodeError('null compact string in a non-nullable field');
    return this.utf8(n - 1);
  }
  readCompactNullableString(): string | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  /** A view into the frame, not a copy: callers that keep it must copy if the frame is reused. */
  readRaw(len: number): Buffer {
    if (len < 0) throw new ProtocolDecodeError(`negative length ${len}`);
    const at = this.need(len);
    return this.buffer.subarray(at, at + len);
  }
  readBytes(): Buffer {
    const len = this.readInt32();
    if (len < 0) throw new ProtocolDecodeError(`negative bytes length ${len}`);
    return this.readRaw(len);
  }
  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len === -1) return null;
    return this.readRaw(len);
  }
  readCompactBytes(): Buffer {
    const n = this.readUVarint();
    if (n === 0) throw new ProtocolDecodeError('null compact bytes in a non-nullable field');
    return this.readRaw(n - 1);
  }
  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.readRaw(n - 1);
  }

  /** Array length for classic encoding; -1 = null. Checked against the bytes left. */
  readArrayLength(): number {
    const len = this.readInt32();
    if (len < -1) throw new ProtocolDecodeError(`invalid array length ${len}`);
    if (len > this.remaining) throw new ProtocolDecodeError(`array length ${len} exceeds ${this.remaining} remaining bytes`);
    this.spendElements(len);
    return len;
  }
  /** Array length for compact encoding; -1 = null. */
  readCompactArrayLength(): number {
    const len = this.readUVarint() - 1;
    if (len > this.remaining) throw new ProtocolDecodeError(`array length ${len} exceeds ${this.remaining} remaining bytes`);
    this.spendElements(len);
    return len;
  }

  private spendElements(n: number): void {
    if (n <= 0) return;
    this.elementBudget -= n;
    if (this.elementBudget < 0) throw new ProtocolDecodeError(`more array elements than the per-request limit allows`);
  }
}

const MIN_CHUNK = 256;

/**
 * Growable output made of chunks, so large record data can be appended by
 * reference (writeRawChunk) and handed to socket.writev without copying.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushed = 0;

  constructor(initialSize = MIN_CHUNK) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.flushed + this.pos;
  }

  private flush(): void {
    if (this.pos > 0) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushed += this.pos;
      // Keep using the rest of the allocation instead of wasting it.
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    }
  }

  private ensure(n: number): number {
    if (this.buf.length - this.pos < n) {
      this.flush();
      this.buf = Buffer.allocUnsafe(Math.max(n, MIN_CHUNK, Math.min(this.flushed, 1 << 20)));
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  // ensure() may swap this.buf, so it must run before this.buf is read.
  private putByte(b: number): void {
    const at = this.ensure(1);
    this.buf[at] = b;
  }

  writeInt8(v: number): this {
    const at = this.ensure(1);
    this.buf.writeInt8(v, at);
    return this;
  }
  writeUInt8(v: number): this {
    this.putByte(v);
    return this;
  }
  writeInt16(v: number): this {
    const at = this.ensure(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }
  writeUInt16(v: number): this {
    const at = this.ensure(2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  writeInt32(v: number): this {
    const at = this.ensure(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }
  writeUInt32(v: number): this {
    const at = this.ensure(4);
    this.buf.writeUInt32BE(v, at);
    return this;
  }
  writeInt64(v: number): this {
    let hi = Math.floor(v / TWO_32);
    let lo = v - hi * TWO_32;
    if (hi > INT64_MAX_HI) {
      hi = INT64_MAX_HI;
      lo = TWO_32 - 1;
    }
    const at = this.ensure(8);
    this.buf.writeInt32BE(hi, at);
    this.buf.writeUInt32BE(lo, at + 4);
    return this;
  }
  writeFloat64(v: number): this {
    const at = this.ensure(8);
    this.buf.writeDoubleBE(v, at);
    return this;
  }
  writeBool(v: boolean): this {
    this.putByte(v ? 1 : 0);
    return this;
  }

  writeUVarint(v: number): this {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new RangeError(`uvarint out of range: ${v}`);
    while (v >= 0x80) {
      this.putByte((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.putByte(v);
    return this;
  }
  writeVarint(v: number): this {
    return this.writeUVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  writeUVarlong(v: number): this {
    while (v >= 0x80) {
      this.putByte((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.putByte(v);
    return this;
  }
  writeVarlong(v: number): this {
    return this.writeUVarlong(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  writeUuid(v: string): this {
    const raw = Buffer.from(v, 'base64url');
    if (raw.length !== 16) throw new RangeError(`invalid uuid ${JSON.stringify(v)}`);
    return this.writeRaw(raw);
  }

  /** Copies the bytes (use for small data); see writeRawChunk for zero-copy. */
  writeRaw(b: Uint8Array): this {
    const at = this.ensure(b.length);
    this.buf.set(b, at);
    return this;
  }

  /** Appends an external buffer by reference; it must not change until the output is sent. */
  writeRawChunk(b: Buffer): this {
    if (b.length === 0) return this;
    // Small pieces are cheaper to copy than to carry as separate iovecs.
    if (b.length < 64) return this.writeRaw(b);
    this.flush();
    this.chunks.push(b);
    this.flushed += b.length;
    return this;
  }

  private writeUtf8(v: string, len: number): void {
    const at = this.ensure(len);
    this.buf.write(v, at, len, 'utf8');
  }

  writeString(v: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new RangeError(`string too long: ${len} bytes`);
    this.writeInt16(len);
    this.writeUtf8(v, len);
    return this;
  }
  writeNullableString(v: string | null): this {
    return v === null ? this.writeInt16(-1) : this.writeString(v);
  }
  writeCompactString(v: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    this.writeUVarint(len + 1);
    this.writeUtf8(v, len);
    return this;
  }
  writeCompactNullableString(v: string | null): this {
    return v === null ? this.writeUVarint(0) : this.writeCompactString(v);
  }

  writeBytes(v: Uint8Array): this {
    this.writeInt32(v.length);
    return this.writeRaw(v);
  }
  writeNullableBytes(v: Uint8Array | null): this {
    return v === null ? this.writeInt32(-1) : this.writeBytes(v);
  }
  writeCompactBytes(v: Uint8Array): this {
    this.writeUVarint(v.length + 1);
    return this.writeRaw(v);
  }
  writeCompactNullableBytes(v: Uint8Array | null): this {
    return v === null ? this.writeUVarint(0) : this.writeCompactBytes(v);
  }

  writeArrayLength(len: number | null): this {
    return this.writeInt32(len === null ? -1 : len);
  }
  writeCompactArrayLength(len: number | null): this {
    return this.writeUVarint(len === null ? 0 : len + 1);
  }

  /** Appends everything another writer produced, by reference. */
  append(other: Writer): this {
    for (const c of other.toBuffers()) this.writeRawChunk(c);
    return this;
  }

  toBuffers(): Buffer[] {
    this.flush();
    return this.chunks.slice();
  }

  toBuffer(): Buffer {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    return Buffer.concat(this.chunks, this.flushed);
  }
}
