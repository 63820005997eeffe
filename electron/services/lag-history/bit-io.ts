// Bit-level I/O for history frames (KLH4 and later): bits are packed most significant first, and
// prediction residuals are Rice codes whose parameter each series adapts from its own recent
// residuals (frame-codec.ts). Arithmetic rather than 32-bit operators wherever a value may
// exceed 24 bits, so offsets up to 2^53 survive.

/** A quotient this long is not written in unary: its bit length (6 bits) and the value follow instead. */
const ESCAPE = 12;

/** Bits needed to write v (v >= 0); 0 for 0. */
export function bitLength(v: number): number {
  let n = 0;
  while (v >= 1) {
    v = Math.floor(v / 2);
    n++;
  }
  return n;
}

export class BitWriter {
  private buf: Buffer;
  private pos = 0;
  /** Pending bits not yet forming a whole byte (fewer than 8). */
  private acc = 0;
  private n = 0;

  constructor(initial = 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get bitLength(): number {
    return this.pos * 8 + this.n;
  }

  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.n = 0;
  }

  /** Takes back everything written after the first `bitLength` bits. */
  truncate(bitLength: number): void {
    if (bitLength >= this.bitLength) return;
    const pos = Math.floor(bitLength / 8);
    const n = bitLength % 8;
    // The partial byte is still pending when the cut is inside it, else it was flushed.
    this.acc = n === 0 ? 0 : pos === this.pos ? this.acc >>> (this.n - n) : this.buf[pos]! >>> (8 - n);
    this.pos = pos;
    this.n = n;
  }

  /** Writes the low `count` bits of v (count <= 24). */
  bits(v: number, count: number): void {
    if (count === 0) return;
    if (this.pos + 4 > this.buf.length) {
      const next = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    this.acc = (this.acc << count) | (v & ((1 << count) - 1));
    this.n += count;
    while (this.n >= 8) {
      this.n -= 8;
      this.buf[this.pos++] = (this.acc >>> this.n) & 0xff;
    }
    this.acc &= (1 << this.n) - 1;
  }

  /** Writes v (0 <= v < 2^count) in `count` bits, count <= 53. */
  big(v: number, count: number): void {
    while (count > 24) {
      count -= 24;
      const high = Math.floor(v / 2 ** count);
      this.bits(high, 24);
      v -= high * 2 ** count;
    }
    this.bits(v, count);
  }

  /** Rice code of z >= 0 with parameter k: the quotient in unary, then k low bits. */
  rice(z: number, k: number): void {
    const q = Math.floor(z / 2 ** k);
    if (q < ESCAPE) {
      this.bits(((1 << q) - 1) * 2, q + 1);
      this.big(z - q * 2 ** k, k);
      return;
    }
    const len = bitLength(z);
    this.bits((1 << ESCAPE) - 1, ESCAPE);
    this.bits(len, 6);
    this.big(z, len);
  }

  /** Appends everything another writer holds. */
  append(other: BitWriter): void {
    for (let i = 0; i < other.pos; i++) this.bits(other.buf[i]!, 8);
    this.bits(other.acc, other.n);
  }

  /** The bytes written, the last one padded with zero bits; valid until the next write. */
  finish(): Buffer {
    if (this.n > 0) this.bits(0, 8 - this.n);
    return this.buf.subarray(0, this.pos);
  }
}

export class BitReader {
  /** Absolute bit position in `buf`, and the first bit past the readable range. */
  private bp: number;
  private readonly endBit: number;

  constructor(
    private readonly buf: Buffer,
    pos: number,
    end: number,
  ) {
    this.bp = pos * 8;
    this.endBit = end * 8;
  }

  /** The next 32 bits, left-aligned (zeros past the end of the buffer). */
  private peek32(): number {
    const b = this.buf;
    const at = this.bp >>> 3;
    const off = this.bp & 7;
    const w = (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
    return off === 0 ? w : ((w << off) | ((b[at + 4] ?? 0) >>> (8 - off))) >>> 0;
  }

  private skip(count: number): void {
    this.bp += count;
    if (this.bp > this.endBit) throw new Error('history frame bits past end of block');
  }

  /** Reads `count` bits (count <= 24). */
  bits(count: number): number {
    if (count === 0) return 0;
    const v = this.peek32() >>> (32 - count);
    this.skip(count);
    return v;
  }

  bit(): number {
    return this.bits(1);
  }

  big(count: number): number {
    let v = 0;
    while (count > 24) {
      count -= 24;
      v = v * 2 ** 24 + this.bits(24);
    }
    return v * 2 ** count + this.bits(count);
  }

  rice(k: number): number {
    // The unary quotient is the run of leading ones.
    const q = Math.clz32(~this.peek32());
    if (q < ESCAPE) {
      this.skip(q + 1);
      return q * 2 ** k + this.big(k);
    }
    this.skip(ESCAPE);
    return this.big(this.bits(6));
  }
}
