/**
 * The durable log of one partition: a directory of segments plus checkpoints.
 *
 * Appends write all batches of a request with one positional write on an open descriptor, so an
 * acknowledged produce is in the OS page cache (durable against a process crash) before the call
 * returns; fsync follows the flush policy. State changes are synchronous: the broker never sees a
 * half-applied append.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stampLeaderBatches, type BatchHeader } from '../protocol/record-batch.js';
import { writeCheckpoint } from './checkpoint-file.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { maxTimestampInLog, offsetForTimestampInLog, readFromSegments, segmentIndexFor } from './log-read.js';
import { CLEAN_SHUTDOWN_FILE, LEADER_EPOCH_FILE, LOG_START_OFFSET_FILE, openLogDir } from './log-open.js';
import { LogSegment } from './segment.js';
import { TailCache } from './tail-cache.js';
import type { LogListener } from './log-listener.js';

export { DEFAULT_LOG_CONFIG, type LogConfig };

export { CLEAN_SHUTDOWN_FILE, LEADER_EPOCH_FILE, LOG_START_OFFSET_FILE };
const MAX_RELATIVE_OFFSET = 0x7fffffff;

export class OffsetOutOfRangeError extends Error {
  readonly code = 'OFFSET_OUT_OF_RANGE';
  constructor(readonly offset: number, readonly logStartOffset: number, readonly logEndOffset: number) {
    super(`offset ${offset} is out of range [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

export class PartitionLog {
  config: LogConfig;
  private segments: LogSegment[];
  private startOffset: number;
  private totalBytes: number;
  private readonly epochs: LeaderEpochCache;
  private unflushedMessages = 0;
  private lastFlushTime: number;
  private closed = false;
  /** txn/ producer state for this replica (see log-listener.ts); null for a bare log. */
  private listener: LogListener | null = null;
  /** The newest leader-appended batches, in memory, for fetches at the tail (tail-cache.ts). */
  private readonly tail = new TailCache();

  private constructor(readonly dir: string, config: LogConfig, private readonly now: () => number,
    segments: LogSegment[], startOffset: number, epochs: LeaderEpochCache) {
    this.config = config;
    this.segments = segments;
    this.startOffset = startOffset;
    this.epochs = epochs;
    this.totalBytes = segments.reduce((n, s) => n + s.size, 0);
    this.lastFlushTime = now();
  }

  /** Opens or creates the log in `dir`, recovering as needed (log-open.ts). */
  static open(dir: string, config: LogConfig = DEFAULT_LOG_CONFIG, now: () => number = Date.now): PartitionLog {
    const { segments, startOffset, epochs } = openLogDir(dir, config.indexIntervalBytes, now());
    return new PartitionLog(dir, config, now, segments, startOffset, epochs);
  }

  setListener(listener: LogListener | null): void {
    this.listener = listener;
  }

  /** Visits batch headers from the batch holding `fromOffset` to the end; `visit` returns false to stop. */
  scanBatchHeaders(fromOffset: number, visit: (h: BatchHeader) => boolean): void {
    this.ensureOpen();
    if (fromOffset >= this.logEndOffset) return;
    let idx = Math.max(0, segmentIndexFor(this.segments, Math.max(fromOffset, this.segments[0]!.baseOffset)));
    let go = true;
    for (; go && idx < this.segments.length; idx++) {
      this.segments[idx]!.scanHeaders(0, (h) => (h.lastOffset < fromOffset ? true : (go = visit(h))));
    }
  }

  setConfig(config: LogConfig): void {
    this.config = config;
    for (const seg of this.segments) seg.indexIntervalBytes = config.indexIntervalBytes;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get sizeInBytes(): number {
    return this.totalBytes;
  }

  /** Number of segment files (for metrics and tests). */
  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Leader path. Stamps offsets from the log end offset, the leader epoch and (for LogAppendTime)
   * the append time into `records` in place and updates the `batches` headers to match. An
   * empty batch list appends nothing and answers -1.
   */
  appendAsLeader(records: Buffer, batches: BatchHeader[], opts: { leaderEpoch: number; timestampType: 'CreateTime' | 'LogAppendTime'; now: number }):
    { baseOffset: number; lastOffset: number; logAppendTime: number } {
    this.ensureOpen();
    if (batches.length === 0) return { baseOffset: -1, lastOffset: -1, logAppendTime: -1 };
    const logAppendTime = opts.timestampType === 'LogAppendTime' ? opts.now : -1;
    const total = this.totalSize(records, batches);
    let messages = 0;
    for (const b of batches) messages += b.lastOffsetDelta + 1;
    const baseOffset = this.logEndOffset;
    this.maybeRoll(total, baseOffset + messages - 1, opts.now);

    const offset = stampLeaderBatches(records, batches, baseOffset, opts.leaderEpoch, logAppendTime);
    this.active.append(records, total, batches, this.config.indexIntervalBytes);
    this.tail.add(records, total, batches);
    this.totalBytes += total;
    this.epochs.assign(opts.leaderEpoch, baseOffset);
    this.afterAppend(messages, opts.now);
    this.listener?.appended(records, batches);
    return { baseOffset, lastOffset: offset - 1, logAppendTime };
  }

  /** Follower path: batches carry their offsets and must start at the log end offset. */
  appendAsFollower(records: Buffer, batches: BatchHeader[]): void {
    this.ensureOpen();
    if (batches.length === 0) return;
    const leo = this.logEndOffset;
    if (batches[0]!.baseOffset !== leo) {
      throw new Error(`follower append at ${batches[0]!.baseOffset} does not start at the log end offset ${leo}`);
    }
    let expected = leo;
    for (const b of batches) {
      if (b.baseOffset < expected) throw new Error(`follower batches out of order at offset ${b.baseOffset}`);
      expected = b.lastOffset + 1;
    }
    const total = this.totalSize(records, batches);
    const now = this.now();
    this.maybeRoll(total, expected - 1, now);
    this.tail.clear(); // it holds leader appends only; a gap would make it end early
    this.active.append(records, total, batches, this.config.indexIntervalBytes);
    this.totalBytes += total;
    for (const b of batches) this.epochs.assign(b.partitionLeaderEpoch, b.baseOffset);
    this.afterAppend(expected - leo, now);
    this.listener?.appended(records, batches);
  }

  private totalSize(records: Buffer, batches: readonly BatchHeader[]): number {
    let total = 0;
    for (const b of batches) total += b.size;
    if (total > records.length) throw new Error(`batches describe ${total} bytes but only ${records.length} were given`);
    return total;
  }

  private maybeRoll(incomingBytes: number, lastOffset: number, now: number): void {
    const seg = this.active;
    if (seg.size === 0) {
      seg.created = now;
      return;
    }
    if (seg.size + incomingBytes > this.config.segmentBytes
      || now - seg.created > this.config.segmentMs
      || lastOffset - seg.baseOffset > MAX_RELATIVE_OFFSET) {
      this.roll(now);
    }
  }

  /** Seals the active segment (final time index entry, indexes and data fsynced) and starts a new one. */
  private roll(now: number): void {
    const seg = this.active;
    seg.sealTimeIndex();
    seg.writeIndexes(true);
    this.epochs.sync();
    seg.flush();
    this.segments.push(LogSegment.create(this.dir, seg.nextOffset, now, this.config.indexIntervalBytes));
    this.listener?.rolled();
  }

  private afterAppend(messages: number, now: number): void {
    this.unflushedMessages += messages;
    if (this.unflushedMessages >= this.config.flushMessages || now - this.lastFlushTime >= this.config.flushMs) {
      this.epochs.sync();
      this.active.flush();
      this.unflushedMessages = 0;
      this.lastFlushTime = now;
    }
  }

  read(offset: number, maxBytes: number, maxOffsetExclusive: number, minOneBatch: boolean): { chunks: Buffer[]; bytes: number } {
    this.ensureOpen();
    if (offset < this.startOffset || offset > this.logEndOffset) {
      throw new OffsetOutOfRangeError(offset, this.startOffset, this.logEndOffset);
    }
    return this.tail.read(offset, maxBytes, maxOffsetExclusive, minOneBatch)
      ?? readFromSegments(this.segments, offset, maxBytes, maxOffsetExclusive, minOneBatch);
  }

  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    return offsetForTimestampInLog(this.segments, ts, this.startOffset);
  }

  maxTimestampAndOffset(): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    return maxTimestampInLog(this.segments, this.startOffset);
  }

  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.epochs.endOffsetFor(epoch, this.logEndOffset);
  }

  latestEpoch(): number {
    return this.epochs.latestEpoch();
  }

  /** The epoch cache entries (for tests and diagnostics). */
  epochEntries(): { epoch: number; startOffset: number }[] {
    return this.epochs.snapshot();
  }

  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    if (offset > this.logEndOffset) {
      throw new OffsetOutOfRangeError(offset, this.startOffset, this.logEndOffset);
    }
    if (offset > this.startOffset) {
      this.setLogStartOffset(offset);
      this.deleteSegmentsBelowStart();
    }
    return this.startOffset;
  }

  applyRetention(now: number): number {
    this.ensureOpen();
    const cfg = this.config;
    const active = this.active;
    if (active.size > 0 && now - active.created > cfg.segmentMs) this.roll(now);
    let deleted = this.deleteSegmentsBelowStart();

    if (cfg.retentionMs >= 0) {
      const expired = (s: LogSegment): boolean => s.size > 0 && now - s.largestTimestamp() > cfg.retentionMs;
      let n = 0;
      while (n < this.segments.length && expired(this.segments[n]!)) n++;
      // The whole log expired: roll so the old active segment can go too.
      if (n === this.segments.length && n > 0) this.roll(now);
      deleted += this.deleteOldest(Math.min(n, this.segments.length - 1));
    }
    if (cfg.retentionBytes >= 0) {
      let excess = this.totalBytes - cfg.retentionBytes;
      let n = 0;
      while (n < this.segments.length - 1 && excess - this.segments[n]!.size >= 0) {
        excess -= this.segments[n]!.size;
        n++;
      }
      deleted += this.deleteOldest(n);
    }
    return deleted;
  }

  /** Deletes whole non-active segments that hold only offsets below the log start offset. */
  private deleteSegmentsBelowStart(): number {
    let n = 0;
    while (n < this.segments.length - 1 && this.segments[n + 1]!.baseOffset <= this.startOffset) n++;
    return this.deleteOldest(n);
  }

  private deleteOldest(count: number): number {
    if (count <= 0) return 0;
    const doomed = this.segments.splice(0, count);
    for (const seg of doomed) {
      this.totalBytes -= seg.size;
      seg.deleteFiles(this.config.fileDeleteDelayMs);
    }
    const firstBase = this.segments[0]!.baseOffset;
    if (firstBase > this.startOffset) this.setLogStartOffset(firstBase);
    return count;
  }

  private setLogStartOffset(offset: number): void {
    this.startOffset = offset;
    writeCheckpoint(path.join(this.dir, LOG_START_OFFSET_FILE), [String(offset)]);
    this.epochs.truncateFromStart(offset);
  }

  truncateTo(offset: number): void {
    this.ensureOpen();
    if (offset >= this.logEndOffset) return;
    this.tail.clear();
    if (offset <= this.startOffset || offset <= this.segments[0]!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    let idx = segmentIndexFor(this.segments, offset);
    // Drop whole segments after the one containing the offset.
    const dropped = this.segments.splice(idx + 1);
    for (const seg of dropped) {
      this.totalBytes -= seg.size;
      seg.deleteFiles(0);
    }
    let seg = this.segments[idx]!;
    const found = seg.findBatch(offset);
    if (found && found.position === 0 && idx > 0) {
      // Nothing of this segment survives: remove it and make the previous one active again.
      this.segments.pop();
      this.totalBytes -= seg.size;
      seg.deleteFiles(0);
      idx--;
      seg = this.segments[idx]!;
    } else if (found) {
      this.totalBytes -= seg.size - found.position;
      seg.truncateToPosition(found.position);
      seg.nextOffset = found.header.baseOffset;
      seg.recomputeMaxTimestampAfterTruncation();
    }
    this.epochs.truncateFromEnd(this.logEndOffset);
    this.listener?.truncated();
  }

  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen();
    this.tail.clear();
    for (const seg of this.segments) seg.deleteFiles(0);
    this.segments = [LogSegment.create(this.dir, offset, this.now(), this.config.indexIntervalBytes)];
    this.totalBytes = 0;
    this.epochs.clear();
    this.startOffset = offset;
    writeCheckpoint(path.join(this.dir, LOG_START_OFFSET_FILE), [String(offset)]);
    this.listener?.truncated();
  }

  flush(): void {
    this.ensureOpen();
    this.epochs.sync();
    for (const seg of this.segments) seg.flush();
    this.unflushedMessages = 0;
    this.lastFlushTime = this.now();
  }

  close(): void {
    if (this.closed) return;
    this.listener?.closing();
    this.tail.clear();
    const active = this.active;
    active.sealTimeIndex();
    this.epochs.sync();
    for (const seg of this.segments) {
      seg.writeIndexes(true);
      seg.flush();
      seg.close();
    }
    this.closed = true;
    const marker = path.join(this.dir, CLEAN_SHUTDOWN_FILE);
    fs.writeFileSync(marker, '');
  }

  /**
   * A simulated crash: descriptors closed with nothing flushed, no indexes written and no
   * clean-shutdown marker, so the next open runs recovery exactly as after a killed process.
   */
  abandon(): void {
    if (this.closed) return;
    this.tail.clear();
    for (const seg of this.segments) seg.close();
    this.closed = true;
  }

  deleteFromDisk(): void {
    this.tail.clear();
    if (!this.closed) for (const seg of this.segments) seg.close();
    this.closed = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`log ${this.dir} is closed`);
  }
}
