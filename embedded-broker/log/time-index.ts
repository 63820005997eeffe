/**
 * Sparse time index of one segment: (timestamp int64, relative offset int32) entries, added when
 * the segment's running maximum timestamp grows (checked at index-interval points, and once more
 * when the segment becomes inactive or the log closes, so the last entry is the segment's max).
 * An entry (T, o) means: every batch written before the entry has maxTimestamp <= T, and the
 * batch starting at offset o holds T.
 */
import { readInt64, writeInt64 } from '../protocol/record-batch.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private n = 0;

  constructor(readonly baseOffset: number, capacity = 16) {
    this.ts = new Float64Array(capacity);
    this.rel = new Int32Array(capacity);
  }

  /** Loads entries from file bytes; null when structurally inconsistent (caller rebuilds). */
  static fromBuffer(baseOffset: number, buf: Buffer, maxRelOffset: number): TimeIndex | null {
    if (buf.length % TIME_INDEX_ENTRY_SIZE !== 0) return null;
    const count = buf.length / TIME_INDEX_ENTRY_SIZE;
    const idx = new TimeIndex(baseOffset, Math.max(16, count));
    let prevTs = -Infinity;
    let prevRel = -1;
    for (let i = 0; i < count; i++) {
      const t = readInt64(buf, i * 12);
      const r = buf.readInt32BE(i * 12 + 8);
      if (t <= prevTs || r < prevRel || r > maxRelOffset) return null;
      idx.ts[i] = t;
      idx.rel[i] = r;
      prevTs = t;
      prevRel = r;
    }
    idx.n = count;
    return idx;
  }

  get count(): number {
    return this.n;
  }

  lastTimestamp(): number {
    return this.n === 0 ? -1 : this.ts[this.n - 1]!;
  }

  lastOffset(): number {
    return this.n === 0 ? -1 : this.baseOffset + this.rel[this.n - 1]!;
  }

  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp < 0 || timestamp <= this.lastTimestamp()) return;
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const rel = new Int32Array(this.n * 2);
      rel.set(this.rel);
      this.rel = rel;
    }
    this.ts[this.n] = timestamp;
    this.rel[this.n] = offset - this.baseOffset;
    this.n++;
  }

  /**
   * Offset from which a search for the first batch with maxTimestamp >= `timestamp` can start:
   * the batch of the last entry whose timestamp is below the target (everything before it is
   * smaller). The segment base offset when there is none.
   */
  searchStartFor(timestamp: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.rel[found]!;
  }

  /** Drops entries whose batch starts at or after `offset`. */
  truncateToOffset(offset: number): void {
    while (this.n > 0 && this.baseOffset + this.rel[this.n - 1]! >= offset) this.n--;
  }

  clear(): void {
    this.n = 0;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.n * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      writeInt64(buf, i * 12, this.ts[i]!);
      buf.writeInt32BE(this.rel[i]!, i * 12 + 8);
    }
    return buf;
  }
}
