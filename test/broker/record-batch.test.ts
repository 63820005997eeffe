import { describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { compressSync as snappyCompress } from 'snappy';
import { compressFrameSync as lz4Compress } from 'lz4-napi';
import { BATCH_HEADER_SIZE, computeBatchCrc, decodeBatchRecords, readBatchHeader, stampBatch, stampLogAppendTime, validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

const require = createRequire(import.meta.url);

function sample(n = 3, ts = 1_700_000_000_000): Buffer {
  return buildRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({
      key: i === 0 ? null : Buffer.from(`key-${i}`),
      value: i === 1 ? null : Buffer.from(`value-${i}`.repeat(i + 1)),
      headers: i === 2 ? [{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }] : [],
      timestamp: ts + (i === 1 ? -5 : i * 10),
    })),
    producerId: 77, producerEpoch: 2, baseSequence: 10,
  });
}

/** Re-packs a batch's records area with a codec, fixing length, attributes and CRC. */
function compressBatch(batch: Buffer, codec: number, compress: (b: Buffer) => Buffer): Buffer {
  const body = compress(batch.subarray(BATCH_HEADER_SIZE));
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), body]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE((out.readInt16BE(21) & ~7) | codec, 21);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), 17);
  return out;
}

describe('buildRecordBatch / readBatchHeader', () => {
  it('round-trips records, keys, nulls, headers and timestamps', async () => {
    const b = sample();
    const h = readBatchHeader(b, 0);
    expect(h).toMatchObject({ magic: 2, size: b.length, recordCount: 3, lastOffsetDelta: 2, producerId: 77, producerEpoch: 2, baseSequence: 10, compression: 0, timestampType: 0, isControl: false, isTransactional: false });
    expect(h.maxTimestamp).toBe(1_700_000_000_020);
    expect(h.baseTimestamp).toBe(1_700_000_000_000);
    expect(computeBatchCrc(b, 0, b.length)).toBe(h.crc);
    const recs = await decodeBatchRecords(b);
    expect(recs.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(recs[0]!.key).toBeNull();
    expect(recs[1]!.value).toBeNull();
    expect(recs[1]!.timestamp).toBe(1_700_000_000_000 - 5);
    expect(recs[2]!.value!.toString()).toBe('value-2value-2value-2');
    expect(recs[2]!.headers).toEqual([{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }]);
  });

  it('sets transactional/control bits and defaults producer fields to -1', () => {
    const b = buildRecordBatch({ records: [{ value: Buffer.from('x') }], isTransactional: true, isControl: true, baseOffset: 5, partitionLeaderEpoch: 4 });
    const h = readBatchHeader(b, 0);
    expect(h).toMatchObject({ isTransactional: true, isControl: true, baseOffset: 5, lastOffset: 5, partitionLeaderEpoch: 4, producerId: -1, producerEpoch: -1, baseSequence: -1 });
  });

  it('reads large int64 values exactly', () => {
    const b = buildRecordBatch({ records: [{ value: null }], baseOffset: 2 ** 40 + 3, producerId: 2 ** 45 + 1 });
    const h = readBatchHeader(b, 0);
    expect(h.baseOffset).toBe(2 ** 40 + 3);
    expect(h.producerId).toBe(2 ** 45 + 1);
  });

  it('interoperates with kafkajs encoding', async () => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const enc = await RecordBatch({ firstTimestamp: 1000, maxTimestamp: 1007, lastOffsetDelta: 1, records: [
      Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: { a: Buffer.from('b') } }),
      Record({ offsetDelta: 1, timestampDelta: 7, value: Buffer.from('w') }),
    ] });
    const res = validateProducedBatches(enc.buffer, 1 << 20);
    expect(res.ok).toBe(true);
    const recs = await decodeBatchRecords(enc.buffer);
    expect(recs.map((r) => [r.offset, r.timestamp, r.value!.toString()])).toEqual([[0, 1000, 'v'], [1, 1007, 'w']]);
    expect(recs[0]!.headers).toEqual([{ key: 'a', value: Buffer.from('b') }]);
  });
});

describe('validateProducedBatches', () => {
  it('accepts several good batches', () => {
    const res = validateProducedBatches(Buffer.concat([sample(1), sample(3), sample(2)]), 1 << 20);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.batches.map((b) => b.recordCount)).toEqual([1, 3, 2]);
  });

  it('accepts an empty record set with no batches', () => {
    expect(validateProducedBatches(Buffer.alloc(0), 100)).toEqual({ ok: true, batches: [] });
  });

  it('rejects a wrong CRC', () => {
    const b = sample();
    b[b.length - 1] ^= 0xff;
    expect(validateProducedBatches(b, 1 << 20)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
  });

  it('rejects truncated input', () => {
    const b = sample();
    for (const cut of [5, 16, 40, b.length - 1]) {
      expect(validateProducedBatches(b.subarray(0, cut), 1 << 20)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
    }
    expect(validateProducedBatches(Buffer.concat([b, b.subarray(0, 30)]), 1 << 20)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
  });

  it('rejects old message formats', () => {
    const b = sample();
    b.writeInt8(1, 16);
    expect(validateProducedBatches(b, 1 << 20)).toMatchObject({ ok: false, error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT' });
    b.writeInt8(0, 16);
    expect(validateProducedBatches(b, 1 << 20)).toMatchObject({ ok: false, error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT' });
  });

  it('rejects oversize batches', () => {
    const b = sample();
    expect(validateProducedBatches(b, b.length - 1)).toMatchObject({ ok: false, error: 'MESSAGE_TOO_LARGE' });
    expect(validateProducedBatches(b, b.length).ok).toBe(true);
  });

  it('rejects inconsistent record counts and client control batches', () => {
    const fix = (b: Buffer): Buffer => { b.writeUInt32BE(computeBatchCrc(b, 0, b.length), 17); return b; };
    const zero = sample(); zero.writeInt32BE(0, 57);
    expect(validateProducedBatches(fix(zero), 1 << 20)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    const delta = sample(); delta.writeInt32BE(5, 23);
    expect(validateProducedBatches(fix(delta), 1 << 20)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    const control = buildRecordBatch({ records: [{ value: null }], isControl: true });
    expect(validateProducedBatches(control, 1 << 20)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
  });

  it('rejects records that do not tile the batch', () => {
    const b = sample(2);
    b.writeInt32BE(3, 57);
    b.writeInt32BE(2, 23);
    b.writeUInt32BE(computeBatchCrc(b, 0, b.length), 17);
    expect(validateProducedBatches(b, 1 << 20)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
  });

  it('never throws on garbage', () => {
    let seed = 42;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const good = sample();
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.from(good);
      if (i % 2 === 0) for (let j = 0; j < 3; j++) buf[rnd() % buf.length] = rnd() & 0xff;
      const junk = i % 2 === 0 ? buf.subarray(0, rnd() % (buf.length + 1)) : Buffer.from(Array.from({ length: rnd() % 200 }, () => rnd() & 0xff));
      expect(() => validateProducedBatches(junk, 1 << 20)).not.toThrow();
    }
  });
});

describe('stamping', () => {
  it('stampBatch rewrites offset and epoch without breaking the CRC', () => {
    const b = sample();
    stampBatch(b, 0, 123456789012, 9);
    const h = readBatchHeader(b, 0);
    expect(h.baseOffset).toBe(123456789012);
    expect(h.lastOffset).toBe(123456789014);
    expect(h.partitionLeaderEpoch).toBe(9);
    expect(validateProducedBatches(b, 1 << 20).ok).toBe(true);
  });

  it('stampLogAppendTime marks the batch and recomputes the CRC', async () => {
    const b = Buffer.concat([sample(1), sample(2)]);
    const second = readBatchHeader(b, 0).size;
    stampLogAppendTime(b, second, 42_000);
    const h = readBatchHeader(b, second);
    expect(h.timestampType).toBe(1);
    expect(h.maxTimestamp).toBe(42_000);
    expect(validateProducedBatches(b, 1 << 20).ok).toBe(true);
    const recs = await decodeBatchRecords(b.subarray(second));
    expect(recs.map((r) => r.timestamp)).toEqual([42_000, 42_000]);
  });
});

describe('decodeBatchRecords with compression', () => {
  const plain = sample(4);
  const expected = async (): Promise<unknown> => (await decodeBatchRecords(plain)).map((r) => ({ ...r }));

  it('gzip', async () => {
    const b = compressBatch(plain, 1, (x) => zlib.gzipSync(x));
    expect(validateProducedBatches(b, 1 << 20).ok).toBe(true);
    expect((await decodeBatchRecords(b)).map((r) => ({ ...r }))).toEqual(await expected());
  });

  it('snappy, raw and xerial-framed', async () => {
    const raw = compressBatch(plain, 2, (x) => snappyCompress(x));
    expect((await decodeBatchRecords(raw)).map((r) => ({ ...r }))).toEqual(await expected());
    const xerial = compressBatch(plain, 2, (x) => {
      const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
      const parts: Buffer[] = [header];
      for (let p = 0; p < x.length; p += 20) {
        const block = snappyCompress(x.subarray(p, p + 20));
        const len = Buffer.alloc(4);
        len.writeInt32BE(block.length);
        parts.push(len, block);
      }
      return Buffer.concat(parts);
    });
    expect((await decodeBatchRecords(xerial)).map((r) => ({ ...r }))).toEqual(await expected());
  });

  it('lz4 frame', async () => {
    const b = compressBatch(plain, 3, (x) => lz4Compress(x));
    expect((await decodeBatchRecords(b)).map((r) => ({ ...r }))).toEqual(await expected());
  });

  it('zstd', async () => {
    const zstd = require('@bokuweb/zstd-wasm') as { init(): Promise<void>; compress(b: Uint8Array, level?: number): Uint8Array };
    await zstd.init();
    const b = compressBatch(plain, 4, (x) => Buffer.from(zstd.compress(x, 3)));
    expect((await decodeBatchRecords(b)).map((r) => ({ ...r }))).toEqual(await expected());
  });

  it('rejects a corrupt compressed body', async () => {
    const b = compressBatch(plain, 1, () => Buffer.from('not gzip at all'));
    await expect(decodeBatchRecords(b)).rejects.toThrow();
  });
});
