/**
 * Bringing segments back after a restart. A clean shutdown leaves trusted index files, so only
 * the tail after the last index entry of the active segment is scanned. Otherwise the active
 * segment is scanned in full: every batch is checked (length, magic, offsets, CRC-32C) and the
 * file is cut at the first torn or corrupt batch. Segments with missing or inconsistent index
 * files get them rebuilt by scanning. A torn tail never costs more than the torn bytes.
 */
import * as fs from 'node:fs';
import { BATCH_HEADER_SIZE, computeBatchCrc, readBatchHeader } from '../protocol/record-batch.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { LogSegment } from './segment.js';

const CHUNK_SIZE = 1 << 20;
let chunk: Buffer | null = null;

export interface RecoveryResult {
  /** Bytes cut (or, without truncation, left unreadable) after the last valid batch. */
  invalidBytes: number;
}

/**
 * Rebuilds the segment's indexes and offsets by reading every batch. With `truncate`, the file
 * is cut after the last valid batch; without, the invalid tail is only excluded from reads.
 */
export function recoverSegment(seg: LogSegment, indexIntervalBytes: number, truncate: boolean): RecoveryResult {
  chunk ??= Buffer.allocUnsafe(CHUNK_SIZE);
  const fileSize = fs.fstatSync(seg.fd).size;
  seg.size = fileSize;
  seg.resetIndexes();
  let pos = 0;
  let bufStart = 0;
  let bufLen = 0;
  let buf = chunk;
  let expectedMin = seg.baseOffset;
  while (pos < fileSize) {
    if (fileSize - pos < BATCH_HEADER_SIZE) break;
    if (pos + BATCH_HEADER_SIZE > bufStart + bufLen) {
      buf = chunk;
      bufStart = pos;
      bufLen = readFully(seg.fd, buf, Math.min(buf.length, fileSize - pos), pos);
    }
    const h = readBatchHeader(buf, pos - bufStart);
    if (h.magic !== 2 || h.size < BATCH_HEADER_SIZE || pos + h.size > fileSize) break;
    if (h.baseOffset < expectedMin || h.lastOffsetDelta < 0 || h.recordCount < 0) break;
    if (pos + h.size > bufStart + bufLen) {
      // Bring the whole batch into memory for the CRC check.
      buf = h.size > chunk.length ? Buffer.allocUnsafe(h.size) : chunk;
      bufStart = pos;
      bufLen = readFully(seg.fd, buf, Math.min(buf.length, fileSize - pos), pos);
    }
    const at = pos - bufStart;
    if (computeBatchCrc(buf, at, h.size) !== h.crc) break;
    seg.trackBatch(h.baseOffset, h.lastOffset, h.maxTimestamp, h.size, pos, indexIntervalBytes);
    expectedMin = h.lastOffset + 1;
    pos += h.size;
  }
  const invalidBytes = fileSize - pos;
  if (invalidBytes > 0 && truncate) fs.ftruncateSync(seg.fd, pos);
  seg.size = pos;
  seg.indexesDirty = true;
  return { invalidBytes };
}

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function readFileOrNull(p: string): Buffer | null {
  try {
    return fs.readFileSync(p);
  } catch {
    return null;
  }
}

/**
 * Loads the index files of a segment that is trusted to be intact. `nextSegmentBase` is the base
 * offset of the following segment (null for the active one, whose end is found by scanning the
 * tail after its last index entry). Returns false when the indexes are unusable.
 */
export function loadTrustedSegment(seg: LogSegment, nextSegmentBase: number | null, indexIntervalBytes: number): boolean {
  const idxBuf = readFileOrNull(seg.indexPath);
  const timeBuf = readFileOrNull(seg.timeIndexPath);
  if (idxBuf === null || timeBuf === null) return false;
  const offsetIndex = OffsetIndex.fromBuffer(seg.baseOffset, idxBuf, Math.max(seg.size, 1));
  const maxRel = nextSegmentBase === null ? 0x7fffffff : nextSegmentBase - 1 - seg.baseOffset;
  const timeIndex = TimeIndex.fromBuffer(seg.baseOffset, timeBuf, maxRel);
  if (offsetIndex === null || timeIndex === null) return false;
  if (seg.size > 0 && offsetIndex.count === 0 && timeIndex.count === 0 && seg.size > indexIntervalBytes) return false;
  if (offsetIndex.count > 0 && seg.size === 0) return false;

  seg.offsetIndex = offsetIndex;
  seg.timeIndex = timeIndex;
  seg.maxTimestamp = timeIndex.lastTimestamp();
  seg.maxTimestampBatchOffset = timeIndex.lastOffset();
  seg.indexesDirty = false;
  if (nextSegmentBase !== null) {
    if (seg.size > 0 && timeIndex.count === 0) return false;
    seg.nextOffset = seg.size > 0 ? nextSegmentBase : seg.baseOffset;
    seg.bytesSinceIndexEntry = 0;
    return true;
  }
  // Active segment: walk the batches after the last index entry to find the end.
  const from = offsetIndex.lastPosition();
  seg.bytesSinceIndexEntry = 0;
  seg.nextOffset = seg.baseOffset;
  let first = true;
  const res = seg.scanHeaders(from, (h, p) => {
    if (first && from > 0 && h.baseOffset !== offsetIndex.lastOffset()) return false;
    first = false;
    seg.trackBatch(h.baseOffset, h.lastOffset, h.maxTimestamp, h.size, p, indexIntervalBytes);
    return true;
  });
  if (res.corrupt || res.position !== seg.size) return false;
  seg.indexesDirty = false;
  return true;
}

/**
 * Opens the segments with the given base offsets (sorted). After an unclean shutdown the active
 * segment is recovered in full; any segment whose indexes are unusable is rebuilt by scanning.
 * With no segments at all, an empty one is created at `initialBase`.
 */
export function openSegments(dir: string, bases: readonly number[], clean: boolean, indexIntervalBytes: number,
  initialBase: number, now: number): LogSegment[] {
  if (bases.length === 0) return [LogSegment.create(dir, initialBase, now, indexIntervalBytes)];
  const segments = bases.map((base) => LogSegment.openExisting(dir, base, indexIntervalBytes));
  segments.forEach((seg, i) => {
    const isLast = i === segments.length - 1;
    const nextBase = isLast ? null : segments[i + 1]!.baseOffset;
    if (isLast && !clean) {
      recoverSegment(seg, indexIntervalBytes, true);
    } else if (!loadTrustedSegment(seg, nextBase, indexIntervalBytes)) {
      recoverSegment(seg, indexIntervalBytes, isLast);
    }
    seg.writeIndexes();
  });
  return segments;
}
