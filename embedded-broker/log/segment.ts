/**
 * One log segment: `<20-digit baseOffset>.log` plus its sparse `.index` and `.timeindex`.
 * The log file descriptor stays open for the segment's life; appends are positional writes at
 * the tracked end, reads are positional reads. Index entries live in memory and are written to
 * their files whole (on roll, flush and close); an unclean open rebuilds the active segment's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATCH_HEADER_SIZE, readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

export function segmentFileName(baseOffset: number, suffix: string): string {
  return `${String(baseOffset).padStart(20, '0')}${suffix}`;
}

/** Reused by header scans; everything here is synchronous, so one buffer serves all segments. */
const SCAN_BUF = Buffer.allocUnsafe(16 * 1024);

export class LogSegment {
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  fd: number;
  /** Bytes of whole batches in the file. */
  size: number;
  /** Offset after the last batch (baseOffset when empty). */
  nextOffset: number;
  offsetIndex: OffsetIndex;
  timeIndex: TimeIndex;
  /** Largest batch maxTimestamp in the segment (-1 when none), and the base offset of that batch. */
  maxTimestamp = -1;
  maxTimestampBatchOffset = -1;
  /** Time of the first append (drives segment.ms); for reopened segments, the file's birth time. */
  created: number;
  bytesSinceIndexEntry = 0;
  indexesDirty = false;
  /** index.interval.bytes, kept current by the owning log. */
  indexIntervalBytes = 4096;

  private constructor(readonly dir: string, readonly baseOffset: number, fd: number, size: number, created: number) {
    this.logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    this.indexPath = path.join(dir, segmentFileName(baseOffset, '.index'));
    this.timeIndexPath = path.join(dir, segmentFileName(baseOffset, '.timeindex'));
    this.fd = fd;
    this.size = size;
    this.nextOffset = baseOffset;
    this.created = created;
    this.offsetIndex = new OffsetIndex(baseOffset);
    this.timeIndex = new TimeIndex(baseOffset);
  }

  /** A new, empty segment (any leftover files of that name are replaced). */
  static create(dir: string, baseOffset: number, now: number, indexIntervalBytes: number): LogSegment {
    const logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    const fd = fs.openSync(logPath, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
    const seg = new LogSegment(dir, baseOffset, fd, 0, now);
    seg.indexIntervalBytes = indexIntervalBytes;
    seg.indexesDirty = true;
    seg.writeIndexes();
    return seg;
  }

  /** Opens an existing segment file; indexes and offsets are filled in by recovery. */
  static openExisting(dir: string, baseOffset: number, indexIntervalBytes: number): LogSegment {
    const logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    const fd = fs.openSync(logPath, fs.constants.O_RDWR);
    const st = fs.fstatSync(fd);
    const created = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    const seg = new LogSegment(dir, baseOffset, fd, st.size, created);
    seg.indexIntervalBytes = indexIntervalBytes;
    return seg;
  }

  /**
   * Appends `len` bytes of `buf` (whole batches described by `batches`, already stamped) with one
   * positional write, then indexes them.
   */
  append(buf: Buffer, len: number, batches: readonly BatchHeader[], indexIntervalBytes: number): void {
    const start = this.size;
    let written = 0;
    try {
      while (written < len) written += fs.writeSync(this.fd, buf, written, len - written, start + written);
    } catch (e) {
      // Leave no torn batch behind for readers of this process.
      try { fs.ftruncateSync(this.fd, start); } catch { /* the error below matters more */ }
      throw e;
    }
    let pos = start;
    for (const b of batches) {
      this.trackBatch(b.baseOffset, b.lastOffset, b.maxTimestamp, b.size, pos, indexIntervalBytes);
      pos += b.size;
    }
    this.size = start + len;
  }

  /** Index bookkeeping for one batch at `position` (shared by append and index rebuilding). */
  trackBatch(baseOffset: number, lastOffset: number, maxTimestamp: number, size: number, position: number, indexIntervalBytes: number): void {
    if (this.bytesSinceIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(baseOffset, position);
      this.bytesSinceIndexEntry = 0;
      this.timeIndex.maybeAppend(this.maxTimestamp, this.maxTimestampBatchOffset);
    }
    this.bytesSinceIndexEntry += size;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.maxTimestampBatchOffset = baseOffset;
    }
    this.nextOffset = lastOffset + 1;
    this.indexesDirty = true;
  }

  /** Records the final max-timestamp entry; called when the segment stops being active. */
  sealTimeIndex(): void {
    if (this.maxTimestamp > this.timeIndex.lastTimestamp()) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.maxTimestampBatchOffset);
      this.indexesDirty = true;
    }
  }

  resetIndexes(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset);
    this.timeIndex = new TimeIndex(this.baseOffset);
    this.maxTimestamp = -1;
    this.maxTimestampBatchOffset = -1;
    this.bytesSinceIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    this.indexesDirty = true;
  }

  writeIndexes(sync = false): void {
    if (!this.indexesDirty) return;
    writeWhole(this.indexPath, this.offsetIndex.toBuffer(), sync);
    writeWhole(this.timeIndexPath, this.timeIndex.toBuffer(), sync);
    this.indexesDirty = false;
  }

  /** Reads exactly `length` bytes at `position` into a new buffer. */
  readBytes(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.fd, buf, got, length - got, position + got);
      if (n === 0) throw new Error(`short read in ${this.logPath} at ${position + got}`);
      got += n;
    }
    return buf;
  }

  /**
   * Visits batch headers from `from` in file order until `visit` returns false. Stops early (with
   * `corrupt`) at a header that cannot be a batch of this segment. The header object passed to
   * `visit` is fresh each time.
   */
  scanHeaders(from: number, visit: (h: BatchHeader, position: number) => boolean): { position: number; corrupt: boolean } {
    let pos = from;
    let bufStart = 0;
    let bufLen = 0;
    while (pos < this.size) {
      if (pos + BATCH_HEADER_SIZE > this.size) return { position: pos, corrupt: true };
      if (pos < bufStart || pos + BATCH_HEADER_SIZE > bufStart + bufLen) {
        bufStart = pos;
        bufLen = fs.readSync(this.fd, SCAN_BUF, 0, Math.min(SCAN_BUF.length, this.size - pos), pos);
        if (bufLen < BATCH_HEADER_SIZE) return { position: pos, corrupt: true };
      }
      const h = readBatchHeader(SCAN_BUF, pos - bufStart);
      if (!this.plausible(h, pos)) return { position: pos, corrupt: true };
      if (!visit(h, pos)) return { position: pos, corrupt: false };
      pos += h.size;
    }
    return { position: pos, corrupt: false };
  }

  plausible(h: BatchHeader, position: number): boolean {
    return h.magic === 2 && h.size >= BATCH_HEADER_SIZE && position + h.size <= this.size
      && h.baseOffset >= this.baseOffset && h.lastOffsetDelta >= 0;
  }

  /**
   * The first batch whose lastOffset >= `offset`, found from the index. Null when the segment
   * has none. Every index entry points at a batch starting at the entry's offset; when the
   * header found there says otherwise, the index is corrupt and is rebuilt from the headers.
   */
  findBatch(offset: number): { position: number; header: BatchHeader } | null {
    if (offset >= this.nextOffset) return null;
    for (let attempt = 0; attempt < 2; attempt++) {
      const e = this.offsetIndex.floorEntry(offset);
      const start = e < 0 ? 0 : this.offsetIndex.entryPosition(e);
      const expectedBase = e < 0 ? -1 : this.offsetIndex.entryOffset(e);
      let found: { position: number; header: BatchHeader } | null = null;
      let mismatch = false;
      const res = this.scanHeaders(start, (h, p) => {
        if (p === start && expectedBase >= 0 && h.baseOffset !== expectedBase) {
          mismatch = true;
          return false;
        }
        if (h.lastOffset >= offset) {
          found = { position: p, header: h };
          return false;
        }
        return true;
      });
      if (!mismatch && !(res.corrupt && found === null && start > 0)) return found;
      this.rebuildIndexesFromHeaders();
    }
    return null;
  }

  /** File position from which to scan for `offset`, verified against the batch found there. */
  positionFor(offset: number): number {
    const e = this.offsetIndex.floorEntry(offset);
    if (e < 0) return 0;
    const position = this.offsetIndex.entryPosition(e);
    let ok = false;
    this.scanHeaders(position, (h) => {
      ok = h.baseOffset === this.offsetIndex.entryOffset(e);
      return false;
    });
    if (ok) return position;
    this.rebuildIndexesFromHeaders();
    return this.offsetIndex.lookup(offset);
  }

  /** Recreates both indexes by walking the batch headers (a corrupt index found at run time). */
  rebuildIndexesFromHeaders(): void {
    this.resetIndexes();
    const res = this.scanHeaders(0, (h, p) => {
      this.trackBatch(h.baseOffset, h.lastOffset, h.maxTimestamp, h.size, p, this.indexIntervalBytes);
      return true;
    });
    // Whatever cannot be parsed is excluded from reads.
    if (res.corrupt) this.size = res.position;
  }

  /** Cuts the file (and indexes) at `position`, a batch boundary. */
  truncateToPosition(position: number): void {
    fs.ftruncateSync(this.fd, position);
    this.size = position;
    this.offsetIndex.truncateToPosition(position);
    this.indexesDirty = true;
  }

  /** Kafka's "largest timestamp": the max record timestamp, or the file's mtime without one. */
  largestTimestamp(): number {
    if (this.maxTimestamp >= 0) return this.maxTimestamp;
    try {
      return fs.fstatSync(this.fd).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** After truncation the max timestamp may have been cut away: recompute from the time index on. */
  recomputeMaxTimestampAfterTruncation(): void {
    this.timeIndex.truncateToOffset(this.nextOffset);
    this.maxTimestamp = this.timeIndex.lastTimestamp();
    this.maxTimestampBatchOffset = this.timeIndex.lastOffset();
    const from = this.maxTimestampBatchOffset >= 0 ? this.positionFor(this.maxTimestampBatchOffset) : 0;
    this.scanHeaders(from, (h) => {
      if (h.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = h.maxTimestamp;
        this.maxTimestampBatchOffset = h.baseOffset;
      }
      return true;
    });
    // Bytes since the last index entry decide where the next entry goes.
    this.bytesSinceIndexEntry = this.size - this.offsetIndex.lastPosition();
    this.indexesDirty = true;
  }

  flush(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
    this.fd = -1;
  }

  /** Removes the files: renamed to `.deleted` first, unlinked after `delayMs` (or now). */
  deleteFiles(delayMs: number): void {
    this.close();
    for (const p of [this.logPath, this.indexPath, this.timeIndexPath]) {
      if (delayMs <= 0) {
        rmQuiet(p);
        continue;
      }
      const doomed = `${p}.deleted`;
      try {
        fs.renameSync(p, doomed);
      } catch {
        continue;
      }
      setTimeout(() => rmQuiet(doomed), delayMs).unref();
    }
  }
}

export function rmQuiet(p: string): void {
  try { fs.rmSync(p, { force: true }); } catch { /* best effort */ }
}

function writeWhole(p: string, data: Buffer, sync: boolean): void {
  const fd = fs.openSync(p, 'w');
  try {
    if (data.length > 0) fs.writeSync(fd, data, 0, data.length, 0);
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
