import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, LEADER_EPOCH_FILE, PartitionLog, type LogConfig } from '../../embedded-broker/log/index.js';
import { readBatchHeader, validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-log-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...over });

function produce(log: PartitionLog, n: number, epoch: number, ts = 1000) {
  const buf = buildRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`e${epoch}-${i}`.padEnd(40, '.')), timestamp: ts + i })) });
  const v = validateProducedBatches(buf, 1 << 20);
  if (!v.ok) throw new Error(v.message);
  return log.appendAsLeader(buf, v.batches, { leaderEpoch: epoch, timestampType: 'CreateTime', now: 0 });
}

function offsetsOf(log: PartitionLog): number[] {
  const out: number[] = [];
  const { chunks } = log.read(log.logStartOffset, 1 << 24, log.logEndOffset, false);
  for (const c of chunks) {
    for (let p = 0; p < c.length;) {
      const h = readBatchHeader(c, p);
      for (let o = h.baseOffset; o <= h.lastOffset; o++) out.push(o);
      p += h.size;
    }
  }
  return out;
}

describe('leader epoch cache', () => {
  it('records epoch starts and answers OffsetForLeaderEpoch like Kafka', () => {
    const log = PartitionLog.open(dir, cfg());
    expect(log.latestEpoch()).toBe(-1);
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: -1, endOffset: -1 });
    produce(log, 3, 2); // 0..2
    produce(log, 2, 2); // 3..4
    produce(log, 4, 5); // 5..8
    produce(log, 1, 7); // 9
    expect(log.latestEpoch()).toBe(7);
    expect(log.epochEntries()).toEqual([{ epoch: 2, startOffset: 0 }, { epoch: 5, startOffset: 5 }, { epoch: 7, startOffset: 9 }]);
    expect(log.endOffsetForEpoch(7)).toEqual({ epoch: 7, endOffset: 10 });
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 9 });
    expect(log.endOffsetForEpoch(6)).toEqual({ epoch: 5, endOffset: 9 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 2, endOffset: 5 });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 0 });
    expect(log.endOffsetForEpoch(8)).toEqual({ epoch: -1, endOffset: -1 });
    expect(log.endOffsetForEpoch(-1)).toEqual({ epoch: -1, endOffset: -1 });
    log.close();
    const again = PartitionLog.open(dir, cfg());
    expect(again.epochEntries()).toEqual([{ epoch: 2, startOffset: 0 }, { epoch: 5, startOffset: 5 }, { epoch: 7, startOffset: 9 }]);
    again.close();
  });

  it('rebuilds the cache from batch headers when the checkpoint is missing or corrupt', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    produce(log, 3, 1);
    produce(log, 3, 1);
    produce(log, 2, 4);
    produce(log, 2, 6);
    log.close();
    const expected = [{ epoch: 1, startOffset: 0 }, { epoch: 4, startOffset: 6 }, { epoch: 6, startOffset: 8 }];
    fs.rmSync(path.join(dir, LEADER_EPOCH_FILE));
    const a = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(a.epochEntries()).toEqual(expected);
    a.close();
    fs.writeFileSync(path.join(dir, LEADER_EPOCH_FILE), '0\n3\n1 0\nbanana\n');
    const b = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(b.epochEntries()).toEqual(expected);
    expect(b.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 8 });
    b.close();
  });

  it('re-derives the active segment\'s epochs after a crash lost the unsynced checkpoint', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    produce(log, 3, 1);
    produce(log, 3, 1);
    produce(log, 2, 4);
    produce(log, 2, 6); // rolls: epochs 1 and 4 were fsynced with the sealed segments, 6 was not
    expect(log.segmentCount).toBe(3);
    log.abandon();
    // What a machine crash could leave: the checkpoint as of the last roll.
    fs.writeFileSync(path.join(dir, LEADER_EPOCH_FILE), '0\n2\n1 0\n4 6\n');
    const again = PartitionLog.open(dir, cfg({ segmentBytes: 400 }));
    expect(again.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 4, startOffset: 6 }, { epoch: 6, startOffset: 8 }]);
    again.close();
  });

  it('moves the first epoch start with the log start offset', () => {
    const log = PartitionLog.open(dir, cfg());
    produce(log, 5, 1);
    produce(log, 5, 3);
    log.deleteRecordsBefore(7);
    expect(log.epochEntries()).toEqual([{ epoch: 3, startOffset: 7 }]);
    log.close();
  });
});

describe('truncation', () => {
  it('truncateTo drops everything at and after the offset, across segments, and appends continue', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 500, indexIntervalBytes: 100 }));
    for (let i = 0; i < 20; i++) produce(log, 2, i < 10 ? 1 : 2, 1000 + i * 10); // offsets 0..39
    const segs = log.segmentCount;
    expect(segs).toBeGreaterThan(3);
    log.truncateTo(50);
    expect(log.logEndOffset).toBe(40);
    log.truncateTo(16);
    expect(log.logEndOffset).toBe(16);
    expect(log.segmentCount).toBeLessThan(segs);
    expect(offsetsOf(log)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(log.maxTimestampAndOffset()).toEqual({ offset: 15, timestamp: 1071 });
    expect(log.offsetForTimestamp(1080)).toBeNull();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBe(log.segmentCount);
    expect(produce(log, 2, 3).baseOffset).toBe(16);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 16 });
    log.close();
    const again = PartitionLog.open(dir, cfg({ segmentBytes: 500, indexIntervalBytes: 100 }));
    expect(offsetsOf(again)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    again.close();
  });

  it('truncates to a segment boundary', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 300 }));
    for (let i = 0; i < 12; i++) produce(log, 1, 0);
    const bases = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
    const boundary = bases[2]!;
    log.truncateTo(boundary);
    expect(log.logEndOffset).toBe(boundary);
    expect(offsetsOf(log)).toEqual(Array.from({ length: boundary }, (_, i) => i));
    expect(produce(log, 1, 0).baseOffset).toBe(boundary);
    log.close();
  });

  it('truncateFullyAndStartAt empties the log and restarts at the offset', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 300 }));
    for (let i = 0; i < 12; i++) produce(log, 1, 3);
    log.truncateFullyAndStartAt(1000);
    expect(log.logStartOffset).toBe(1000);
    expect(log.logEndOffset).toBe(1000);
    expect(log.sizeInBytes).toBe(0);
    expect(log.latestEpoch()).toBe(-1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log'))).toEqual(['00000000000000001000.log']);
    expect(produce(log, 2, 4).baseOffset).toBe(1000);
    log.close();
    const again = PartitionLog.open(dir, cfg());
    expect([again.logStartOffset, again.logEndOffset]).toEqual([1000, 1002]);
    again.close();
  });

  it('truncateTo below the log start restarts fully', () => {
    const log = PartitionLog.open(dir, cfg());
    produce(log, 10, 0);
    log.deleteRecordsBefore(5);
    log.truncateTo(3);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([3, 3]);
    log.close();
  });

  it('deleteFromDisk removes the directory', () => {
    const sub = path.join(dir, 'topic-0');
    const log = PartitionLog.open(sub, cfg());
    produce(log, 1, 0);
    log.deleteFromDisk();
    expect(fs.existsSync(sub)).toBe(false);
  });
});
