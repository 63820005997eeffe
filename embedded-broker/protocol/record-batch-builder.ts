// Building record batches (v2, uncompressed, valid CRC): for the broker's own control batches
// and transaction markers, and for tests and tools that need exact bytes. Reading and
// validating them is record-batch.ts.
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, BATCH_HEADER_SIZE, LOG_OVERHEAD, computeBatchCrc, writeInt64 } from './record-batch.js';

export interface BuildRecord {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: { key: string; value: Buffer | null }[];
  timestamp?: number;
}

export interface BuildBatchOptions {
  baseOffset?: number;
  records: BuildRecord[];
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestamp?: number;
}

/** Builds an uncompressed v2 batch with a valid CRC. */
export function buildRecordBatch(opts: BuildBatchOptions): Buffer {
  const defaultTs = opts.timestamp ?? Date.now();
  const timestamps = opts.records.map((r) => r.timestamp ?? defaultTs);
  const baseTimestamp = timestamps.length > 0 ? timestamps[0]! : defaultTs;
  const maxTimestamp = timestamps.reduce((m, t) => (t > m ? t : m), timestamps.length > 0 ? timestamps[0]! : defaultTs);

  const headerKeys = opts.records.map((r) => (r.headers ?? []).map((hd) => Buffer.from(hd.key, 'utf8')));
  const bodies: number[] = [];
  let total = BATCH_HEADER_SIZE;
  opts.records.forEach((r, i) => {
    const key = r.key ?? null;
    let n = 1 + varintSize(timestamps[i]! - baseTimestamp) + varintSize(i);
    n += key === null ? varintSize(-1) : varintSize(key.length) + key.length;
    n += r.value === null ? varintSize(-1) : varintSize(r.value.length) + r.value.length;
    const hs = r.headers ?? [];
    n += varintSize(hs.length);
    hs.forEach((hd, j) => {
      const k = headerKeys[i]![j]!;
      n += varintSize(k.length) + k.length;
      n += hd.value === null ? varintSize(-1) : varintSize(hd.value.length) + hd.value.length;
    });
    bodies.push(n);
    total += varintSize(n) + n;
  });

  const buf = Buffer.alloc(total);
  let attributes = 0;
  if (opts.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  if (opts.isControl) attributes |= ATTR_CONTROL;
  writeInt64(buf, 0, opts.baseOffset ?? 0);
  buf.writeInt32BE(total - LOG_OVERHEAD, 8);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE(attributes, 21);
  buf.writeInt32BE(opts.records.length - 1, 23);
  writeInt64(buf, 27, baseTimestamp);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, opts.producerId ?? -1);
  buf.writeInt16BE(opts.producerEpoch ?? -1, 51);
  buf.writeInt32BE(opts.baseSequence ?? -1, 53);
  buf.writeInt32BE(opts.records.length, 57);

  let pos = BATCH_HEADER_SIZE;
  const putBytes = (b: Buffer | null): void => {
    if (b === null) {
      pos = writeVarint(buf, pos, -1);
    } else {
      pos = writeVarint(buf, pos, b.length);
      pos += b.copy(buf, pos);
    }
  };
  opts.records.forEach((r, i) => {
    pos = writeVarint(buf, pos, bodies[i]!);
    buf.writeInt8(0, pos++);
    pos = writeVarint(buf, pos, timestamps[i]! - baseTimestamp);
    pos = writeVarint(buf, pos, i);
    putBytes(r.key ?? null);
    putBytes(r.value);
    const hs = r.headers ?? [];
    pos = writeVarint(buf, pos, hs.length);
    hs.forEach((hd, j) => {
      putBytes(headerKeys[i]![j]!);
      putBytes(hd.value);
    });
  });
  buf.writeUInt32BE(computeBatchCrc(buf, 0, total), 17);
  return buf;
}

// Zigzag varints, as records carry their lengths and deltas.

function varintSize(value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  let n = 1;
  while (raw >= 128) {
    raw = Math.floor(raw / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, pos: number, value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    buf[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  buf[pos++] = raw;
  return pos;
}
