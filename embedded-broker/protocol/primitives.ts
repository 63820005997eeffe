// Kafka wire primitives, reading side (writer.ts writes). Frames come from untrusted
// sockets, so every read is bounds-checked and every declared length is validated against
// the bytes that are actually there before anything is allocated.

export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}

export const TWO_32 = 0x1_0000_0000;
// Largest int64 a JS number can carry without wrapping the high word.
export const INT64_MAX_HI = 0x7fffffff;

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
