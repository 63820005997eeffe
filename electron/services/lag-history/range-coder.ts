// A binary range coder (the scheme LZMA uses: 32-bit range, 11-bit probabilities that adapt
// after every bit) for the history's entry flags. Which series have an entry this frame is
// highly predictable per series — a busy partition misses every frame, an idle one never —
// and an adaptive probability codes such a flag in a fraction of a bit, where any whole-bit
// code pays at least one.
//
// Each block is its own stream, so a query can decode one block without the others. The
// stream's first byte (always 0 in LZMA) is not written, and the flush writes only as many
// bytes as the decoder needs: it reads zeros past the end.

const TOP = 2 ** 24;
const PROB_BITS = 11;
/** Probabilities are of a 0 bit, in units of 2^-11. */
export const PROB_HALF = 1 << (PROB_BITS - 1);
/** Adaptation speed: each bit moves its probability 1/16 of the way. */
const MOVE = 4;

export class RangeEncoder {
  private buf: Buffer;
  private n = 0;
  /** Up to 2^32 + a carry; kept as a plain number (not 32-bit arithmetic). */
  private low = 0;
  private range = 0xffffffff;
  /** The byte held back until we know whether a carry reaches it, and the 0xff bytes after it. */
  private cache = 0;
  private pending = 0;
  /** The very first byte is the dropped leading 0. */
  private first = true;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(): void {
    this.n = 0;
    this.low = 0;
    this.range = 0xffffffff;
    this.cache = 0;
    this.pending = 0;
    this.first = true;
  }

  /** The state to return to if what follows must be taken back. */
  mark(): number[] {
    return [this.n, this.low, this.range, this.cache, this.pending, this.first ? 1 : 0];
  }

  rewind(m: number[]): void {
    [this.n, this.low, this.range, this.cache, this.pending] = m as [number, number, number, number, number];
    this.first = m[5] === 1;
  }

  /** Codes `bit` with probs[i] (the probability of 0), then adapts it. */
  bit(probs: number[], i: number, bit: number): void {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    if (bit === 0) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> MOVE);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> MOVE);
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  /** The low `count` bits of v, each at even odds (count <= 24). */
  direct(v: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range = this.range >>> 1;
      if ((v >>> i) & 1) this.low += this.range;
      while (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
  }

  /** The bytes written, valid until the next write. */
  finish(): Buffer {
    // Any value in [low, low + range) decodes the same; the one with three zero low bytes is
    // there because range >= 2^24, and zeros need not be written.
    this.low = Math.ceil(this.low / TOP) * TOP;
    this.shiftLow();
    this.shiftLow();
    let end = this.n;
    while (end > 0 && this.buf[end - 1] === 0) end--;
    return this.buf.subarray(0, end);
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 2 ** 32) {
      const carry = this.low >= 2 ** 32 ? 1 : 0;
      this.emit((this.cache + carry) & 0xff);
      for (; this.pending > 0; this.pending--) this.emit((0xff + carry) & 0xff);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    } else this.pending++;
    this.low = (this.low % TOP) * 256;
  }

  private emit(byte: number): void {
    if (this.first) {
      this.first = false;
      return;
    }
    if (this.n === this.buf.length) {
      const next = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(next);
      this.buf = next;
    }
    this.buf[this.n++] = byte;
  }
}

export class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;

  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
  ) {
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }

  private next(): number {
    return this.pos < this.end ? this.buf[this.pos++]! : 0;
  }

  bit(probs: number[], i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> MOVE);
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      probs[i] = p - (p >> MOVE);
      bit = 1;
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = ((this.code * 256) % 2 ** 32) + this.next();
    }
    return bit;
  }

  direct(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      v = v * 2 + b;
      while (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.code = ((this.code * 256) % 2 ** 32) + this.next();
      }
    }
    return v;
  }
}
