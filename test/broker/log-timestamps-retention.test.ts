import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DEFAULT_LOG_CONFIG, LOG_START_OFFSET_FILE, OffsetOutOfRangeError, PartitionLog, type LogConfig } from '../../embedded-broker/log/index.js';
import { BATCH_HEADER_SIZE, computeBatchCrc, validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-log-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...over });

function append(log: PartitionLog, timestamps: number[], opts: { gzip?: boolean; now?: number; epoch?: number } = {}) {
  let buf = buildRecordBatch({ records: timestamps.map((t) => ({ value: Buffer.from(`t${t}`.padEnd(30, '-')), timestamp: t })) });
  if (opts.gzip) {
    const body = zlib.gzipSync(buf.subarray(BATCH_HEADER_SIZE));
    buf = Buffer.concat([buf.subarray(0, BATCH_HEADER_SIZE), body]);
    buf.writeInt32BE(buf.length - 12, 8);
    buf.writeInt16BE(1, 21);
    buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), 17);
  }
  const v = validateProducedBatches(buf, 1 << 20);
  if (!v.ok) throw new Error(v.message);
  return log.appendAsLeader(buf, v.batches, { leaderEpoch: opts.epoch ?? 0, timestampType: 'CreateTime', now: opts.now ?? 0 });
}

describe('offsetForTimestamp and maxTimestampAndOffset', () => {
  it('finds the earliest record at or after a timestamp across segments', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 700, indexIntervalBytes: 120 }));
    // Batches of 3 records, timestamps 100,110,...; one batch goes back in time.
    for (let i = 0; i < 30; i++) append(log, i === 12 ? [50, 60, 1000] : [100 * i, 100 * i + 10, 100 * i + 20]);
    expect(log.segmentCount).toBeGreaterThan(3);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 0 });
    expect(log.offsetForTimestamp(5)).toEqual({ offset: 1, timestamp: 10 });
    expect(log.offsetForTimestamp(20)).toEqual({ offset: 2, timestamp: 20 });
    expect(log.offsetForTimestamp(21)).toEqual({ offset: 3, timestamp: 100 });
    // Batch 12 (offsets 36..38) goes back to 50, 60 and then 1000 again: offset order wins.
    expect(log.offsetForTimestamp(55)).toEqual({ offset: 3, timestamp: 100 });
    expect(log.offsetForTimestamp(1000)).toEqual({ offset: 30, timestamp: 1000 });
    expect(log.offsetForTimestamp(1015)).toEqual({ offset: 32, timestamp: 1020 });
    expect(log.offsetForTimestamp(1021)).toEqual({ offset: 33, timestamp: 1100 });
    expect(log.offsetForTimestamp(1250)).toEqual({ offset: 39, timestamp: 1300 });
    expect(log.offsetForTimestamp(2905)).toEqual({ offset: 88, timestamp: 2910 });
    expect(log.offsetForTimestamp(2921)).toBeNull();
    expect(log.maxTimestampAndOffset()).toEqual({ offset: 89, timestamp: 2920 });
    log.close();
    const again = PartitionLog.open(dir, cfg({ segmentBytes: 700, indexIntervalBytes: 120 }));
    expect(again.offsetForTimestamp(1505)).toEqual({ offset: 46, timestamp: 1510 });
    expect(again.maxTimestampAndOffset()).toEqual({ offset: 89, timestamp: 2920 });
    again.close();
  });

  it('reports the earliest offset of the max timestamp and respects the log start', () => {
    const log = PartitionLog.open(dir, cfg());
    expect(log.maxTimestampAndOffset()).toBeNull();
    expect(log.offsetForTimestamp(0)).toBeNull();
    append(log, [5, 900, 900, 7]);
    append(log, [8, 9]);
    expect(log.maxTimestampAndOffset()).toEqual({ offset: 1, timestamp: 900 });
    log.deleteRecordsBefore(3);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 3, timestamp: 7 });
    log.close();
  });

  it('answers with the batch start for compressed batches', () => {
    const log = PartitionLog.open(dir, cfg());
    append(log, [10, 20, 30], { gzip: true });
    append(log, [40, 50], { gzip: true });
    expect(log.offsetForTimestamp(25)).toEqual({ offset: 0, timestamp: 30 });
    expect(log.offsetForTimestamp(45)).toEqual({ offset: 3, timestamp: 50 });
    expect(log.maxTimestampAndOffset()).toEqual({ offset: 4, timestamp: 50 });
    log.close();
  });
});

describe('retention and log start offset', () => {
  it('deletes whole segments below deleteRecordsBefore and persists the start offset', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    for (let i = 0; i < 20; i++) append(log, [i, i]);
    const segs = log.segmentCount;
    expect(log.deleteRecordsBefore(0)).toBe(0);
    expect(log.deleteRecordsBefore(15)).toBe(15);
    expect(log.segmentCount).toBeLessThan(segs);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBe(log.segmentCount);
    expect(log.deleteRecordsBefore(10)).toBe(15);
    expect(() => log.deleteRecordsBefore(41)).toThrow(OffsetOutOfRangeError);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 15, timestamp: 7 });
    log.close();
    const again = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(again.logStartOffset).toBe(15);
    expect(again.logEndOffset).toBe(40);
    expect(again.deleteRecordsBefore(40)).toBe(40);
    expect(again.read(40, 100, 40, true).bytes).toBe(0);
    again.close();
  });

  it('falls back to the first segment when the start offset checkpoint is missing or corrupt', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    for (let i = 0; i < 20; i++) append(log, [i, i]);
    log.deleteRecordsBefore(15);
    const firstBase = Number(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[0]!.slice(0, 20));
    log.close();
    fs.writeFileSync(path.join(dir, LOG_START_OFFSET_FILE), 'garbage\n');
    const a = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(a.logStartOffset).toBe(firstBase);
    a.close();
    fs.rmSync(path.join(dir, LOG_START_OFFSET_FILE));
    const b = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(b.logStartOffset).toBe(firstBase);
    expect(b.logEndOffset).toBe(40);
    b.close();
  });

  it('deletes segments by time, keeping newer ones, and rolls when everything expired', () => {
    const day = 86_400_000;
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 300, retentionMs: day }));
    const t0 = 1_000_000_000_000;
    for (let i = 0; i < 10; i++) append(log, [t0, t0], { now: t0 });
    for (let i = 0; i < 10; i++) append(log, [t0 + day, t0 + day], { now: t0 + day });
    const before = log.segmentCount;
    expect(log.applyRetention(t0 + day / 2)).toBe(0);
    const deleted = log.applyRetention(t0 + day + 1000);
    expect(deleted).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(before - deleted);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeLessThanOrEqual(20);
    expect(log.offsetForTimestamp(0)!.timestamp).toBe(t0 + day);
    // Everything expired: the active segment is rolled and deleted too; the log end stays.
    log.applyRetention(t0 + 3 * day);
    expect(log.logStartOffset).toBe(40);
    expect(log.logEndOffset).toBe(40);
    expect(log.sizeInBytes).toBe(0);
    expect(append(log, [t0 + 3 * day], { now: t0 + 3 * day }).baseOffset).toBe(40);
    log.close();
  });

  it('deletes oldest segments by size but never the active one', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 500, retentionBytes: 1200, retentionMs: -1 }));
    for (let i = 0; i < 40; i++) append(log, [i, i, i]);
    const deleted = log.applyRetention(1);
    expect(deleted).toBeGreaterThan(0);
    // Kafka keeps a segment when deleting it would drop below retention.bytes.
    const sizes = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => fs.statSync(path.join(dir, f)).size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(log.sizeInBytes);
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(1200);
    expect(log.sizeInBytes - sizes[0]!).toBeLessThan(1200);
    expect(log.logEndOffset).toBe(120);
    const r = log.read(log.logStartOffset, 1 << 20, 120, false);
    expect(r.bytes).toBe(log.sizeInBytes);
    const tiny = PartitionLog.open(path.join(dir, 'tiny'), cfg({ retentionBytes: 0, retentionMs: -1 }));
    append(tiny, [1]);
    expect(tiny.applyRetention(1)).toBe(0);
    expect(tiny.logEndOffset).toBe(1);
    tiny.close();
    log.close();
  });

  it('rolls the active segment by age (segment.ms)', () => {
    const log = PartitionLog.open(dir, cfg({ segmentMs: 1000 }));
    append(log, [1], { now: 10_000 });
    append(log, [2], { now: 10_500 });
    expect(log.segmentCount).toBe(1);
    append(log, [3], { now: 11_100 });
    expect(log.segmentCount).toBe(2);
    expect(fs.existsSync(path.join(dir, '00000000000000000002.log'))).toBe(true);
    log.applyRetention(20_000);
    expect(log.segmentCount).toBe(3);
    log.close();
  });
});
