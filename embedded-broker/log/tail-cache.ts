/**
 * The newest batches a leader appended, kept as the very buffers they were written from, so a
 * fetch at the tail of the log (followers, caught-up consumers) is answered from memory: no
 * read system call, no page-cache copy, no fresh buffer per partition read. The profile of
 * bench:replication (acks=all, RF 3) had ~10% of the broker's CPU in the leader's readSync.
 *
 * Exactness: the cache holds whole batches, contiguous in offsets, exactly as in the file (they
 * are cached after stamping and after the write). It only ever answers reads starting inside
 * it and stops where it ends, with readFromSegments' rules (whole batches, the offset limit,
 * maxBytes except for the first batch when minOneBatch); anything else goes to the file. The
 * owning log clears it on truncation, on follower appends (which it does not hold) and on
 * close.
 *
 * Memory: at most PARTITION_BYTES per partition and GLOBAL_BYTES per process; the oldest
 * batches across all partitions go first. Followers fetch right behind the leader, so little
 * is needed: RSS after producing 2 GiB to 32 partitions was 111 MiB without the cache, ~195
 * with 2 MiB/48 MiB (allocator fragmentation adds to the budget), 172 with 1 MiB/16 MiB. A small record set sliced out of a larger buffer
 * (several requests in one socket chunk) is copied so it does not pin the whole chunk.
 */

const PARTITION_BYTES = 1024 * 1024;
const GLOBAL_BYTES = 16 * 1024 * 1024;

interface Entry {
  owner: TailCache;
  buf: Buffer;
  baseOffset: number;
  lastOffset: number;
  /** Process-wide age order (doubly linked), oldest at `oldest`. */
  older: Entry | null;
  newer: Entry | null;
}

let oldest: Entry | null = null;
let newest: Entry | null = null;
let globalBytes = 0;

function unlink(e: Entry): void {
  if (e.older) e.older.newer = e.newer;
  else oldest = e.newer;
  if (e.newer) e.newer.older = e.older;
  else newest = e.older;
  e.older = e.newer = null;
  globalBytes -= e.buf.length;
}

/** Bytes held by all tail caches of this process (for tests and diagnostics). */
export function tailCacheBytes(): number {
  return globalBytes;
}

export class TailCache {
  /** Own entries in offset order; the first one is this cache's oldest. */
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;

  /** Offset after the last cached batch, or -1 when empty. */
  get endOffset(): number {
    return this.head < this.entries.length ? this.entries[this.entries.length - 1]!.lastOffset + 1 : -1;
  }

  /**
   * Adds the batches just appended at the log end: `records` starts with them, back to back
   * (`total` bytes), and must not change afterwards (produce request buffers never do).
   */
  add(records: Buffer, total: number, batches: readonly { baseOffset: number; lastOffset: number; size: number }[]): void {
    if (batches.length === 0) return;
    if (total > PARTITION_BYTES || (this.head < this.entries.length && this.endOffset !== batches[0]!.baseOffset)) {
      this.clear();
      if (total > PARTITION_BYTES) return;
    }
    let data = records.subarray(0, total);
    if (data.buffer.byteLength > 2 * total) {
      data = Buffer.allocUnsafeSlow(total);
      records.copy(data, 0, 0, total);
    }
    let pos = 0;
    for (const b of batches) {
      const e: Entry = { owner: this, buf: data.subarray(pos, pos + b.size), baseOffset: b.baseOffset, lastOffset: b.lastOffset, older: newest, newer: null };
      pos += b.size;
      if (newest) newest.newer = e;
      else oldest = e;
      newest = e;
      globalBytes += e.buf.length;
      this.entries.push(e);
      this.bytes += e.buf.length;
    }
    while (this.bytes > PARTITION_BYTES) this.dropOldest();
    while (globalBytes > GLOBAL_BYTES && oldest) oldest.owner.dropOldest();
  }

  private dropOldest(): void {
    const e = this.entries[this.head]!;
    this.entries[this.head++] = undefined as unknown as Entry;
    this.bytes -= e.buf.length;
    unlink(e);
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    for (let i = this.head; i < this.entries.length; i++) unlink(this.entries[i]!);
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * The read readFromSegments would do, when the batch holding `offset` is cached; null when
   * it is not (the caller reads the file). `offset` is below the log end offset.
   */
  read(offset: number, maxBytes: number, maxOffsetExclusive: number, minOneBatch: boolean): { chunks: Buffer[]; bytes: number } | null {
    const { entries } = this;
    if (this.head >= entries.length || offset < entries[this.head]!.baseOffset || offset >= this.endOffset) return null;
    // Binary search for the first batch whose lastOffset >= offset.
    let lo = this.head;
    let hi = entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (let i = lo; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.lastOffset >= maxOffsetExclusive) break;
      if (bytes + e.buf.length > maxBytes && !(bytes === 0 && minOneBatch)) break;
      const prev = chunks[chunks.length - 1];
      // Batches of one request lie back to back in its buffer: hand them out as one piece.
      if (prev && prev.buffer === e.buf.buffer && prev.byteOffset + prev.length === e.buf.byteOffset) {
        chunks[chunks.length - 1] = Buffer.from(prev.buffer, prev.byteOffset, prev.length + e.buf.length);
      } else {
        chunks.push(e.buf);
      }
      bytes += e.buf.length;
    }
    return { chunks, bytes };
  }
}
