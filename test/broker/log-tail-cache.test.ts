import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, PartitionLog, type LogConfig } from '../../embedded-broker/log/index.js';
import { validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { TailCache, tailCacheBytes } from '../../embedded-broker/log/tail-cache.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-tail-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...over });

/** One produce request of `batches` batches (as one buffer, like a request frame). */
function request(batches: number, records: number, seed: number): Buffer {
  return Buffer.concat(Array.from({ length: batches }, (_, b) => buildRecordBatch({
    records: Array.from({ length: records }, (_, i) => ({ value: Buffer.alloc(20 + ((seed + b * 7 + i) % 90), 0x61 + (i % 26)) })),
  })));
}

function append(log: PartitionLog, buf: Buffer, epoch = 1) {
  const v = validateProducedBatches(buf, 1 << 20);
  if (!v.ok) throw new Error(v.message);
  return log.appendAsLeader(buf, v.batches, { leaderEpoch: epoch, timestampType: 'CreateTime', now: 0 });
}

const joined = (r: { chunks: Buffer[]; bytes: number }) => Buffer.concat(r.chunks);

describe('tail cache', () => {
  it('answers every read exactly like the segment files', () => {
    const log = PartitionLog.open(dir, cfg({ segmentBytes: 4000 }));
    let seed = 1;
    for (let i = 0; i < 60; i++) append(log, request(1 + (i % 3), 1 + (i % 5), seed++));
    // A second log over the same files has an empty cache: its reads come from the segments.
    const end = log.logEndOffset;
    let checked = 0;
    for (let offset = 0; offset < end; offset += 3) {
      for (const maxBytes of [0, 100, 700, 5000, 1 << 20]) {
        for (const limit of [end, offset + 1, offset + 9]) {
          for (const minOne of [true, false]) {
            const got = log.read(offset, maxBytes, Math.min(limit, end), minOne);
            const fromFile = PartitionLog.prototype.read.call(Object.assign(Object.create(Object.getPrototypeOf(log)), log, { tail: new TailCache() }), offset, maxBytes, Math.min(limit, end), minOne);
            expect(got.bytes).toBe(fromFile.bytes);
            expect(joined(got).equals(joined(fromFile))).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    log.close();
  });

  it('is cleared by truncation and follower appends, and freed on close', () => {
    const log = PartitionLog.open(dir, cfg());
    const before = tailCacheBytes();
    for (let i = 0; i < 10; i++) append(log, request(1, 3, i));
    expect(tailCacheBytes()).toBeGreaterThan(before);
    log.truncateTo(15);
    expect(log.logEndOffset).toBe(15);
    expect(tailCacheBytes()).toBe(before);
    const r = append(log, request(1, 2, 99), 2);
    expect(r.baseOffset).toBe(15);
    const read = log.read(12, 1 << 20, log.logEndOffset, true);
    expect(read.bytes).toBeGreaterThan(0);
    log.close();
    expect(tailCacheBytes()).toBe(before);
  });

  it('copies small record sets out of larger buffers instead of pinning them', () => {
    const log = PartitionLog.open(dir, cfg());
    const big = Buffer.alloc(64 * 1024);
    const req = request(1, 2, 5);
    req.copy(big, 1000);
    const records = big.subarray(1000, 1000 + req.length);
    append(log, records);
    const { chunks } = log.read(0, 1 << 20, log.logEndOffset, true);
    expect(chunks[0]!.buffer).not.toBe(big.buffer);
    expect(chunks[0]!.equals(records)).toBe(true);
    log.close();
  });
});
