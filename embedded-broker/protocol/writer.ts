// Kafka wire primitives, writing side (primitives.ts reads): the big-endian, varint and
// string/bytes encodings of the protocol, into chunked output.
import { INT64_MAX_HI, TWO_32 } from './primitives.js';

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
