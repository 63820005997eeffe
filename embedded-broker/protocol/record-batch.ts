/**
 * Record batch v2 (magic 2): header parsing, produce-time validation, in-place stamping,
 * decoding (with decompression) and building of uncompressed batches.
 *
 * Layout (big endian):
 *   baseOffset int64 @0, batchLength int32 @8, partitionLeaderEpoch int32 @12, magic int8 @16,
 *   crc uint32 @17 (CRC-32C of attributes..end), attributes int16 @21, lastOffsetDelta int32 @23,
 *   baseTimestamp int64 @27, maxTimestamp int64 @35, producerId int64 @43, producerEpoch int16 @51,
 *   baseSequence int32 @53, recordCount int32 @57, records @61.
 *
 * Base offset and leader epoch sit before the CRC-covered area, which is why the leader can
 * assign offsets without touching the CRC.
 */
import { crc32c } from '@node-rs/crc32';
import { COMPRESSION_NONE, COMPRESSION_ZSTD, decompress } from './batch-compression.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
const CRC_START = 21;

export { COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_SNAPPY, COMPRESSION_LZ4, COMPRESSION_ZSTD } from './batch-compression.js';

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

const TWO_32 = 4294967296;

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  /** whole batch size = batchLength + 12 */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  timestampType: 0 | 1;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  lastOffset: number;
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** Parses the 61-byte batch header at `pos`. No validation; throws RangeError if out of bounds. */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  if (pos + BATCH_HEADER_SIZE > buf.length) throw new RangeError(`batch header at ${pos} exceeds buffer (${buf.length} bytes)`);
  const baseOffset = readInt64(buf, pos);
  const batchLength = buf.readInt32BE(pos + 8);
  const attributes = buf.readInt16BE(pos + 21);
  const lastOffsetDelta = buf.readInt32BE(pos + 23);
  return {
    baseOffset,
    batchLength,
    size: batchLength + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes,
    compression: attributes & ATTR_COMPRESSION_MASK,
    timestampType: (attributes & ATTR_LOG_APPEND_TIME) !== 0 ? 1 : 0,
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount: buf.readInt32BE(pos + 57),
    lastOffset: baseOffset + lastOffsetDelta,
  };
}

/** CRC-32C as stored in a batch: attributes through the end of the batch. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + CRC_START, pos + size)) >>> 0;
}

export type BatchValidationError = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_FOR_MESSAGE_FORMAT' | 'MESSAGE_TOO_LARGE';

export type BatchValidationResult =
  | { ok: true; batches: BatchHeader[] }
  | { ok: false; error: BatchValidationError; message: string };

function fail(error: BatchValidationError, message: string): BatchValidationResult {
  return { ok: false, error, message };
}

/**
 * Splits a produce request's record set into batches and validates each one. Never throws.
 * An empty record set yields `{ ok: true, batches: [] }` (Kafka appends nothing and answers
 * with offset -1); the caller decides what to answer.
 */
export function validateProducedBatches(records: Buffer, maxBatchBytes: number): BatchValidationResult {
  const batches: BatchHeader[] = [];
  let pos = 0;
  const end = records.length;
  while (pos < end) {
    const remaining = end - pos;
    // Old message formats share offset/length/magic positions, so magic @16 is readable for all.
    if (remaining < 17) return fail('CORRUPT_MESSAGE', `truncated batch at ${pos}: ${remaining} bytes left`);
    const magic = records.readInt8(pos + 16);
    if (magic === 0 || magic === 1) return fail('UNSUPPORTED_FOR_MESSAGE_FORMAT', `message format v${magic} is not supported, only v2`);
    if (magic !== 2) return fail('CORRUPT_MESSAGE', `unknown magic ${magic} at ${pos}`);
    const batchLength = records.readInt32BE(pos + 8);
    const size = batchLength + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE) return fail('CORRUPT_MESSAGE', `batch length ${batchLength} too small at ${pos}`);
    if (size > remaining) return fail('CORRUPT_MESSAGE', `truncated batch at ${pos}: length ${size}, ${remaining} bytes left`);
    if (size > maxBatchBytes) return fail('MESSAGE_TOO_LARGE', `batch of ${size} bytes exceeds the limit of ${maxBatchBytes}`);
    const storedCrc = records.readUInt32BE(pos + 17);
    const actualCrc = computeBatchCrc(records, pos, size);
    if (storedCrc !== actualCrc) return fail('CORRUPT_MESSAGE', `CRC mismatch at ${pos}: stored ${storedCrc}, computed ${actualCrc}`);
    const h = readBatchHeader(records, pos);
    if (h.recordCount <= 0) return fail('INVALID_RECORD', `invalid record count ${h.recordCount}`);
    if (h.lastOffsetDelta + 1 !== h.recordCount) {
      return fail('INVALID_RECORD', `inconsistent batch: lastOffsetDelta ${h.lastOffsetDelta} with ${h.recordCount} records`);
    }
    if (h.isControl) return fail('INVALID_RECORD', 'clients may not write control batches');
    if (h.compression > COMPRESSION_ZSTD) return fail('CORRUPT_MESSAGE', `unknown compression codec ${h.compression}`);
    if (h.compression === COMPRESSION_NONE) {
      const err = checkUncompressedRecords(records, pos + BATCH_HEADER_SIZE, pos + size, h.recordCount);
      if (err) return fail('CORRUPT_MESSAGE', err);
    }
    batches.push(h);
    pos += size;
  }
  return { ok: true, batches };
}

/** Walks the record length prefixes of an uncompressed batch: they must tile the batch exactly. */
function checkUncompressedRecords(buf: Buffer, start: number, end: number, count: number): string | null {
  const cur = { pos: start };
  for (let i = 0; i < count; i++) {
    if (cur.pos >= end) return `batch declares ${count} records but holds ${i}`;
    const len = readVarint(buf, cur, end);
    if (len === null || len < 0 || cur.pos + len > end) return `record ${i} has an invalid length`;
    cur.pos += len;
  }
  if (cur.pos !== end) return `batch has ${end - cur.pos} trailing bytes after ${count} records`;
  return null;
}

/** Rewrites baseOffset and partitionLeaderEpoch in place; both precede the CRC-covered area. */
export function stampBatch(buf: Buffer, pos: number, baseOffset: number, leaderEpoch: number): void {
  writeInt64(buf, pos, baseOffset);
  buf.writeInt32BE(leaderEpoch, pos + 12);
}

/**
 * LogAppendTime topics: marks the batch as LogAppendTime and sets its timestamps (consumers take
 * maxTimestamp as every record's timestamp), then recomputes the CRC.
 */
export function stampLogAppendTime(buf: Buffer, pos: number, timestamp: number): void {
  const attributes = buf.readInt16BE(pos + 21);
  buf.writeInt16BE(attributes | ATTR_LOG_APPEND_TIME, pos + 21);
  writeInt64(buf, pos + 27, timestamp);
  writeInt64(buf, pos + 35, timestamp);
  const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + 17);
}

/**
 * A leader's append: stamps consecutive offsets from `baseOffset`, the leader epoch and (when
 * `logAppendTime` >= 0) the append time into the batches lying back to back in `records`, and
 * updates their parsed headers to match the bytes. Returns the offset after the last record.
 */
export function stampLeaderBatches(records: Buffer, batches: BatchHeader[], baseOffset: number, leaderEpoch: number, logAppendTime: number): number {
  let offset = baseOffset;
  let pos = 0;
  for (const b of batches) {
    stampBatch(records, pos, offset, leaderEpoch);
    b.baseOffset = offset;
    b.lastOffset = offset + b.lastOffsetDelta;
    b.partitionLeaderEpoch = leaderEpoch;
    if (logAppendTime >= 0) {
      stampLogAppendTime(records, pos, logAppendTime);
      b.attributes |= ATTR_LOG_APPEND_TIME;
      b.timestampType = 1;
      b.baseTimestamp = logAppendTime;
      b.maxTimestamp = logAppendTime;
      b.crc = records.readUInt32BE(pos + 17);
    }
    offset = b.lastOffset + 1;
    pos += b.size;
  }
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Zigzag varints. Numbers up to 2^53 are exact, which covers every timestamp delta in practice.

interface Cursor { pos: number }

/** Reads a zigzag varint/varlong; null when it runs past `end` or is longer than 10 bytes. */
function readVarint(buf: Buffer, cur: Cursor, end: number): number | null {
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= end) return null;
    const b = buf[cur.pos++]!;
    raw += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    mul *= 128;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** Decodes the records of one whole batch (starting at byte 0 of `batch`). */
export async function decodeBatchRecords(batch: Buffer): Promise<DecodedRecord[]> {
  const h = readBatchHeader(batch, 0);
  if (h.magic !== 2) throw new Error(`unsupported magic ${h.magic}`);
  if (h.size > batch.length) throw new Error(`truncated batch: ${batch.length} of ${h.size} bytes`);
  const body = await decompress(h.compression, batch.subarray(BATCH_HEADER_SIZE, h.size));
  return parseRecords(body, h);
}

/** Parses the (uncompressed) records area of a batch. Exported for the log's timestamp scan. */
export function parseRecords(body: Buffer, h: BatchHeader): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  const cur = { pos: 0 };
  const end = body.length;
  const bad = (what: string): never => { throw new Error(`corrupt record: ${what}`); };
  const need = (v: number | null, what: string): number => (v === null ? bad(what) : v);
  for (let i = 0; i < h.recordCount; i++) {
    const len = need(readVarint(body, cur, end), 'length');
    const recEnd = cur.pos + len;
    if (len < 0 || recEnd > end) bad('length');
    cur.pos += 1; // attributes, unused in v2
    const tsDelta = need(readVarint(body, cur, recEnd), 'timestamp');
    const offsetDelta = need(readVarint(body, cur, recEnd), 'offset');
    const key = readBytes(body, cur, recEnd);
    const value = readBytes(body, cur, recEnd);
    const headerCount = need(readVarint(body, cur, recEnd), 'header count');
    const headers: { key: string; value: Buffer | null }[] = [];
    for (let j = 0; j < headerCount; j++) {
      const k = readBytes(body, cur, recEnd);
      if (k === null) bad('null header key');
      headers.push({ key: k!.toString('utf8'), value: readBytes(body, cur, recEnd) });
    }
    cur.pos = recEnd;
    out.push({
      offset: h.baseOffset + offsetDelta,
      timestamp: h.timestampType === 1 ? h.maxTimestamp : h.baseTimestamp + tsDelta,
      key,
      value,
      headers,
    });
  }
  return out;
}

function readBytes(buf: Buffer, cur: Cursor, end: number): Buffer | null {
  const len = readVarint(buf, cur, end);
  if (len === null) throw new Error('corrupt record: bytes length');
  if (len < 0) return null;
  if (cur.pos + len > end) throw new Error('corrupt record: bytes overrun');
  const b = buf.subarray(cur.pos, cur.pos + len);
  cur.pos += len;
  return b;
}
