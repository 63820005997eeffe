/**
 * Read-side queries over a partition's segments: fetch reads, ListOffsets by timestamp and the
 * max-timestamp lookup. Reads locate the segment by binary search, the position by the sparse
 * index plus a header scan, then read whole batches with one positional read per segment.
 */
import { BATCH_HEADER_SIZE, COMPRESSION_NONE, LOG_OVERHEAD, parseRecords, type BatchHeader } from '../protocol/record-batch.js';
import type { LogSegment } from './segment.js';

/** Index of the last segment whose base offset is <= `offset` (0 if none). */
export function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * Whole batches from the one containing `offset`, excluding batches whose lastOffset >=
 * `maxOffsetExclusive`, within `maxBytes` except that the first batch is returned whole when
 * `minOneBatch` (KIP-74). The caller has range-checked `offset`.
 */
export function readFromSegments(segments: readonly LogSegment[], offset: number, maxBytes: number,
  maxOffsetExclusive: number, minOneBatch: boolean): { chunks: Buffer[]; bytes: number } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  if (offset >= maxOffsetExclusive) return { chunks, bytes };
  let target = offset;
  for (let i = segmentIndexFor(segments, offset); i < segments.length; i++) {
    const seg = segments[i]!;
    const start = seg.findBatch(target);
    if (i + 1 < segments.length) target = segments[i + 1]!.baseOffset;
    if (start === null) continue;
    if (start.header.lastOffset >= maxOffsetExclusive) break;
    let limit = seg.size;
    if (maxOffsetExclusive < seg.nextOffset) {
      const cut = seg.findBatch(maxOffsetExclusive);
      if (cut !== null) limit = cut.position;
    }
    let length = Math.min(limit - start.position, maxBytes - bytes);
    if (length < start.header.size) {
      if (bytes === 0 && minOneBatch) length = start.header.size;
      else break;
    }
    const buf = seg.readBytes(start.position, length);
    const whole = wholeBatchesLength(buf);
    if (whole === 0) break;
    chunks.push(whole === buf.length ? buf : buf.subarray(0, whole));
    bytes += whole;
    // Stop when cut short by maxBytes or by the offset limit; otherwise continue in the next segment.
    if (start.position + whole < seg.size) break;
  }
  return { chunks, bytes };
}

/** Length of the prefix of `buf` made of complete batches. */
function wholeBatchesLength(buf: Buffer): number {
  let p = 0;
  while (p + LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(p + 8) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || p + size > buf.length) break;
    p += size;
  }
  return p;
}

/**
 * ListOffsets by timestamp: the earliest offset (>= logStartOffset) whose record timestamp is
 * >= `ts`. Uncompressed batches are scanned record by record. For compressed batches the batch's
 * first live offset is returned once its maxTimestamp reaches `ts` (decompressing on this
 * synchronous path is not worth it; the answer is at most one batch early, which consumers
 * tolerate because they skip records below their target anyway).
 */
export function offsetForTimestampInLog(segments: readonly LogSegment[], ts: number, logStartOffset: number):
  { offset: number; timestamp: number } | null {
  for (const seg of segments) {
    if (seg.nextOffset <= logStartOffset || seg.maxTimestamp < ts) continue;
    const fromOffset = Math.max(seg.timeIndex.searchStartFor(ts), logStartOffset);
    const from = seg.positionFor(fromOffset);
    let answer: { offset: number; timestamp: number } | null = null;
    seg.scanHeaders(from, (h, pos) => {
      if (h.lastOffset < logStartOffset || h.maxTimestamp < ts) return true;
      answer = firstRecordAtOrAfter(seg, h, pos, ts, logStartOffset);
      return answer === null;
    });
    if (answer !== null) return answer;
  }
  return null;
}

function firstRecordAtOrAfter(seg: LogSegment, h: BatchHeader, pos: number, ts: number, minOffset: number):
  { offset: number; timestamp: number } | null {
  if (h.timestampType === 1) return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  if (h.compression !== COMPRESSION_NONE) return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  const records = recordsOf(seg, h, pos);
  if (records === null) return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  for (const r of records) {
    if (r.offset >= minOffset && r.timestamp >= ts) return { offset: r.offset, timestamp: r.timestamp };
  }
  return null;
}

function recordsOf(seg: LogSegment, h: BatchHeader, pos: number): { offset: number; timestamp: number }[] | null {
  try {
    const body = seg.readBytes(pos + BATCH_HEADER_SIZE, h.size - BATCH_HEADER_SIZE);
    return parseRecords(body, h);
  } catch {
    return null;
  }
}

/**
 * ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the earliest on ties).
 * Exact for uncompressed CreateTime batches and LogAppendTime batches; for compressed CreateTime
 * batches the batch's last offset stands in (as Kafka did before KIP-734's follow-up fix).
 */
export function maxTimestampInLog(segments: readonly LogSegment[], logStartOffset: number): { offset: number; timestamp: number } | null {
  let best: LogSegment | null = null;
  for (const seg of segments) {
    if (seg.size === 0 || seg.nextOffset <= logStartOffset || seg.maxTimestampBatchOffset < 0) continue;
    if (best === null || seg.maxTimestamp > best.maxTimestamp) best = seg;
  }
  if (best === null) return null;
  const found = best.findBatch(best.maxTimestampBatchOffset);
  if (found === null) return null;
  const h = found.header;
  const timestamp = h.maxTimestamp;
  if (h.timestampType === 1) return { offset: Math.max(h.baseOffset, logStartOffset), timestamp };
  if (h.compression === COMPRESSION_NONE) {
    const records = recordsOf(best, h, found.position);
    const hit = records?.find((r) => r.timestamp === timestamp && r.offset >= logStartOffset);
    if (hit) return { offset: hit.offset, timestamp };
  }
  return { offset: Math.max(h.lastOffset, logStartOffset), timestamp };
}
