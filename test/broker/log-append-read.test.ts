import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, OffsetOutOfRangeError, PartitionLog, type LogConfig } from '../../embedded-broker/log/index.js';
import { decodeBatchRecords, readBatchHeader, validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-log-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...over });

function produce(log: PartitionLog, values: string[], opts: { epoch?: number; ts?: number; lat?: boolean; now?: number } = {}) {
  const buf = buildRecordBatch({ records: values.map((v, i) => ({ value: Buffer.from(v), timestamp: (opts.ts ?? 1000) + i })) });
  const v = validateProducedBatches(buf, 1 << 30);
  if (!v.ok) throw new Error(v.message);
  return log.appendAsLeader(buf, v.batches, { leaderEpoch: opts.epoch ?? 0, timestampType: opts.lat ? 'LogAppendTime' : 'CreateTime', now: opts.now ?? Date.now() });
}

function batchesOf(chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) {
    for (let p = 0; p < c.length;) {
      const size = c.readInt32BE(p + 8) + 12;
      out.push(c.subarray(p, p + size));
      p += size;
    }
  }
  return out;
}

async function valuesFrom(log: PartitionLog, from: number): Promise<{ offset: number; value: string }[]> {
  const out: { offset: number; value: string }[] = [];
  let next = from;
  while (next < log.logEndOffset) {
    const { chunks } = log.read(next, 4096, log.logEndOffset, true);
    for (const b of batchesOf(chunks)) {
      for (const r of await decodeBatchRecords(b)) if (r.offset >= next) out.push({ offset: r.offset, value: r.value!.toString() });
    }
    next = out[out.length - 1]!.offset + 1;
  }
  return out;
}

describe('PartitionLog append and read', () => {
  it('assigns contiguous offsets and round-trips across segment rolls and reopen', async () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 2000, indexIntervalBytes: 300 }));
    const expected: string[] = [];
    for (let i = 0; i < 120; i++) {
      const vals = [`m${i}-a`, `m${i}-b`, `m${i}-c`].slice(0, 1 + (i % 3));
      const res = produce(log, vals);
      expect(res.baseOffset).toBe(expected.length);
      expected.push(...vals);
      expect(res.lastOffset).toBe(expected.length - 1);
      expect(res.logAppendTime).toBe(-1);
    }
    expect(log.logEndOffset).toBe(expected.length);
    expect(log.segmentCount).toBeGreaterThan(3);
    const files = fs.readdirSync(dir);
    expect(files).toContain('00000000000000000000.log');
    expect(files.filter((f) => f.endsWith('.log'))).toHaveLength(log.segmentCount);
    expect(log.sizeInBytes).toBe(files.filter((f) => f.endsWith('.log')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0));
    const got = await valuesFrom(log, 0);
    expect(got.map((r) => r.offset)).toEqual(expected.map((_, i) => i));
    expect(got.map((r) => r.value)).toEqual(expected);
    log.close();

    const again = PartitionLog.open(dir, cfg({ segmentBytes: 2000, indexIntervalBytes: 300 }));
    expect(again.logEndOffset).toBe(expected.length);
    expect((await valuesFrom(again, 37)).map((r) => r.value)).toEqual(expected.slice(37));
    produce(again, ['after']);
    expect((await valuesFrom(again, expected.length)).map((r) => r.value)).toEqual(['after']);
    again.close();
  });

  it('stores batches byte-identical apart from offset and epoch, and stamps them', () => {
    const log = PartitionLog.open(dir, cfg());
    produce(log, ['x', 'y']);
    const buf = buildRecordBatch({ records: [{ value: Buffer.from('z') }], producerId: 5, producerEpoch: 1, baseSequence: 0 });
    const original = Buffer.from(buf);
    const v = validateProducedBatches(buf, 1 << 20);
    if (!v.ok) throw new Error();
    const res = log.appendAsLeader(buf, v.batches, { leaderEpoch: 7, timestampType: 'CreateTime', now: 1 });
    expect(res).toEqual({ baseOffset: 2, lastOffset: 2, logAppendTime: -1 });
    expect(v.batches[0]).toMatchObject({ baseOffset: 2, lastOffset: 2, partitionLeaderEpoch: 7 });
    const { chunks } = log.read(2, 1 << 20, 3, false);
    const stored = Buffer.concat(chunks);
    expect(stored.subarray(17)).toEqual(original.subarray(17));
    expect(readBatchHeader(stored, 0)).toMatchObject({ baseOffset: 2, partitionLeaderEpoch: 7, producerId: 5 });
    expect(validateProducedBatches(stored, 1 << 20).ok).toBe(true);
    log.close();
  });

  it('stamps LogAppendTime', async () => {
    const log = PartitionLog.open(dir, cfg());
    const res = produce(log, ['a', 'b'], { lat: true, now: 99_000, ts: 5 });
    expect(res.logAppendTime).toBe(99_000);
    const [batch] = batchesOf(log.read(0, 1 << 20, 10, false).chunks);
    expect(readBatchHeader(batch!, 0)).toMatchObject({ timestampType: 1, maxTimestamp: 99_000 });
    expect(validateProducedBatches(batch!, 1 << 20).ok).toBe(true);
    expect((await decodeBatchRecords(batch!)).map((r) => r.timestamp)).toEqual([99_000, 99_000]);
    log.close();
  });

  it('appends several batches of one request with one call', () => {
    const log = PartitionLog.open(dir, cfg());
    const buf = Buffer.concat([buildRecordBatch({ records: [{ value: Buffer.from('1') }] }), buildRecordBatch({ records: [{ value: Buffer.from('2') }, { value: Buffer.from('3') }] })]);
    const v = validateProducedBatches(buf, 1 << 20);
    if (!v.ok) throw new Error();
    expect(log.appendAsLeader(buf, v.batches, { leaderEpoch: 0, timestampType: 'CreateTime', now: 0 })).toMatchObject({ baseOffset: 0, lastOffset: 2 });
    expect(v.batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[0, 0], [1, 2]]);
    expect(log.logEndOffset).toBe(3);
    expect(log.appendAsLeader(Buffer.alloc(0), [], { leaderEpoch: 0, timestampType: 'CreateTime', now: 0 })).toEqual({ baseOffset: -1, lastOffset: -1, logAppendTime: -1 });
    log.close();
  });
});

describe('PartitionLog read semantics', () => {
  function fill(): { log: PartitionLog; sizes: number[] } {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 1000, indexIntervalBytes: 100 }));
    // 20 batches of 3 records each: offsets 3k..3k+2.
    for (let i = 0; i < 20; i++) produce(log, [`${i}a`, `${i}b`, `${i}c`.padEnd(40, '.')]);
    const sizes = batchesOf(log.read(0, 1 << 20, 1000, false).chunks).map((b) => b.length);
    return { log, sizes };
  }

  it('starts at the batch containing the offset, also in the middle of a batch', () => {
    const { log } = fill();
    for (const off of [0, 1, 2, 3, 31, 44, 59]) {
      const first = batchesOf(log.read(off, 1 << 20, 60, false).chunks)[0]!;
      const h = readBatchHeader(first, 0);
      expect(h.baseOffset).toBe(off - (off % 3));
    }
    log.close();
  });

  it('reads across segments until the end', () => {
    const { log: written, sizes } = fill();
    const cached = Buffer.concat(written.read(0, 1 << 20, 60, false).chunks);
    written.close();
    // Reopened: an empty tail cache, so this reads the segment files, one chunk per segment.
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 1000, indexIntervalBytes: 100 }));
    expect(log.segmentCount).toBeGreaterThan(2);
    expect(Buffer.concat(log.read(0, 1 << 20, 60, false).chunks).equals(cached)).toBe(true);
    const r = log.read(0, 1 << 20, 60, false);
    expect(r.chunks.length).toBe(log.segmentCount);
    expect(r.bytes).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(batchesOf(r.chunks).map((b) => readBatchHeader(b, 0).baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i * 3));
    log.close();
  });

  it('respects maxBytes with whole batches only and minOneBatch', () => {
    const { log, sizes } = fill();
    const two = sizes[0]! + sizes[1]!;
    expect(log.read(0, two, 60, false).bytes).toBe(two);
    expect(log.read(0, two + sizes[2]! - 1, 60, false).bytes).toBe(two);
    expect(log.read(0, 10, 60, false)).toEqual({ chunks: [], bytes: 0 });
    const one = log.read(0, 10, 60, true);
    expect(one.bytes).toBe(sizes[0]);
    expect(batchesOf(one.chunks)).toHaveLength(1);
    log.close();
  });

  it('excludes batches reaching maxOffsetExclusive', () => {
    const { log } = fill();
    const last = (r: { chunks: Buffer[] }) => { const bs = batchesOf(r.chunks); return bs.length ? readBatchHeader(bs[bs.length - 1]!, 0).lastOffset : -1; };
    expect(last(log.read(0, 1 << 20, 30, false))).toBe(29);
    expect(last(log.read(0, 1 << 20, 31, false))).toBe(29); // batch 30..32 is not below 31 entirely
    expect(last(log.read(0, 1 << 20, 33, false))).toBe(32);
    expect(log.read(30, 1 << 20, 30, true)).toEqual({ chunks: [], bytes: 0 });
    expect(log.read(31, 1 << 20, 32, true)).toEqual({ chunks: [], bytes: 0 });
    log.close();
  });

  it('returns nothing at the log end and throws OffsetOutOfRange beyond it or below the start', () => {
    const { log } = fill();
    expect(log.read(60, 1 << 20, 60, true)).toEqual({ chunks: [], bytes: 0 });
    expect(() => log.read(61, 1 << 20, 61, true)).toThrow(OffsetOutOfRangeError);
    expect(() => log.read(-1, 1 << 20, 60, true)).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(10);
    expect(() => log.read(9, 1 << 20, 60, true)).toThrow(OffsetOutOfRangeError);
    expect(readBatchHeader(log.read(10, 1 << 20, 60, true).chunks[0]!, 0).baseOffset).toBe(9);
    log.close();
  });
});

describe('PartitionLog follower append', () => {
  it('appends byte-identical batches at the log end and rejects gaps', () => {
    const leader = PartitionLog.open(path.join(dir, 'leader'), cfg({ segmentBytes: 500 }));
    const follower = PartitionLog.open(path.join(dir, 'follower'), cfg({ segmentBytes: 500 }));
    for (let i = 0; i < 10; i++) produce(leader, [`v${i}`, `w${i}`], { epoch: i < 5 ? 1 : 2 });
    let next = 0;
    while (next < leader.logEndOffset) {
      const { chunks } = leader.read(next, 300, leader.logEndOffset, true);
      const data = Buffer.concat(chunks);
      const v = validateProducedBatches(data, 1 << 20);
      if (!v.ok) throw new Error(v.message);
      follower.appendAsFollower(data, v.batches);
      next = follower.logEndOffset;
    }
    expect(follower.logEndOffset).toBe(20);
    expect(Buffer.concat(follower.read(0, 1 << 20, 20, false).chunks)).toEqual(Buffer.concat(leader.read(0, 1 << 20, 20, false).chunks));
    expect(follower.latestEpoch()).toBe(2);
    expect(follower.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 10 });
    const stray = buildRecordBatch({ records: [{ value: null }], baseOffset: 25 });
    expect(() => follower.appendAsFollower(stray, [readBatchHeader(stray, 0)])).toThrow();
    leader.close();
    follower.close();
  });
});
