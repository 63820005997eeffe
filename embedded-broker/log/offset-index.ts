/**
 * Sparse offset index of one segment: (relative offset int32, file position int32) pairs, both
 * strictly increasing. Entries live in typed arrays; the `.index` file is written whole when the
 * segment becomes inactive and on close.
 */
export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private n = 0;

  constructor(readonly baseOffset: number, capacity = 16) {
    this.rel = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  /** Loads entries from file bytes; null when structurally inconsistent (caller rebuilds). */
  static fromBuffer(baseOffset: number, buf: Buffer, logSize: number): OffsetIndex | null {
    if (buf.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return null;
    const count = buf.length / OFFSET_INDEX_ENTRY_SIZE;
    const idx = new OffsetIndex(baseOffset, Math.max(16, count));
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < count; i++) {
      const r = buf.readInt32BE(i * 8);
      const p = buf.readInt32BE(i * 8 + 4);
      if (r <= prevRel || p <= prevPos || p >= logSize) return null;
      idx.rel[i] = r;
      idx.pos[i] = p;
      prevRel = r;
      prevPos = p;
    }
    idx.n = count;
    return idx;
  }

  get count(): number {
    return this.n;
  }

  /** Absolute offset of the last entry, -1 when empty. */
  lastOffset(): number {
    return this.n === 0 ? -1 : this.baseOffset + this.rel[this.n - 1]!;
  }

  lastPosition(): number {
    return this.n === 0 ? 0 : this.pos[this.n - 1]!;
  }

  append(offset: number, position: number): void {
    if (this.n === this.rel.length) {
      const rel = new Int32Array(this.n * 2);
      rel.set(this.rel);
      this.rel = rel;
      const pos = new Int32Array(this.n * 2);
      pos.set(this.pos);
      this.pos = pos;
    }
    this.rel[this.n] = offset - this.baseOffset;
    this.pos[this.n] = position;
    this.n++;
  }

  /** File position of the last indexed batch starting at or before `offset` (0 if none). */
  lookup(offset: number): number {
    const i = this.floorEntry(offset);
    return i < 0 ? 0 : this.pos[i]!;
  }

  /** Absolute offset of entry `i` (the base offset of the batch at its position). */
  entryOffset(i: number): number {
    return this.baseOffset + this.rel[i]!;
  }

  entryPosition(i: number): number {
    return this.pos[i]!;
  }

  /** Index of the last entry whose offset is <= `offset`, -1 if none. */
  floorEntry(offset: number): number {
    const target = offset - this.baseOffset;
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries pointing at or beyond `position`. */
  truncateToPosition(position: number): void {
    while (this.n > 0 && this.pos[this.n - 1]! >= position) this.n--;
  }

  clear(): void {
    this.n = 0;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.n * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      buf.writeInt32BE(this.rel[i]!, i * 8);
      buf.writeInt32BE(this.pos[i]!, i * 8 + 4);
    }
    return buf;
  }
}
