import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, DEFAULT_LOG_CONFIG, LEADER_EPOCH_FILE, LOG_START_OFFSET_FILE, PartitionLog, type LogConfig } from '../../embedded-broker/log/index.js';
import { decodeBatchRecords, readBatchHeader, validateProducedBatches } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

let dir: string;
const opened: PartitionLog[] = [];
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-log-')); });
afterEach(() => {
  for (const l of opened.splice(0)) { try { l.close(); } catch { /* already closed */ } }
  fs.rmSync(dir, { recursive: true, force: true });
});

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, segmentBytes: 1500, indexIntervalBytes: 200, ...over });
const open = (c = cfg()): PartitionLog => { const l = PartitionLog.open(dir, c); opened.push(l); return l; };

function produce(log: PartitionLog, i: number): void {
  const buf = buildRecordBatch({ records: [0, 1, 2].map((j) => ({ value: Buffer.from(`v${i}-${j}`.padEnd(30, '#')), timestamp: 1000 + i })) });
  const v = validateProducedBatches(buf, 1 << 20);
  if (!v.ok) throw new Error(v.message);
  log.appendAsLeader(buf, v.batches, { leaderEpoch: i < 10 ? 1 : 2, timestampType: 'CreateTime', now: 0 });
}

/** Writes `n` batches (3 records each) and leaves the log open, as a crashed process would. */
function crashedLogWith(n: number): void {
  const log = open();
  for (let i = 0; i < n; i++) produce(log, i);
}

const logFiles = (): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
const lastLog = (): string => path.join(dir, logFiles().pop()!);

async function allValues(log: PartitionLog): Promise<{ offset: number; value: string }[]> {
  const out: { offset: number; value: string }[] = [];
  const { chunks } = log.read(log.logStartOffset, 1 << 24, log.logEndOffset, false);
  for (const c of chunks) {
    for (let p = 0; p < c.length;) {
      const size = readBatchHeader(c, p).size;
      for (const r of await decodeBatchRecords(c.subarray(p, p + size))) out.push({ offset: r.offset, value: r.value!.toString() });
      p += size;
    }
  }
  return out;
}

async function expectContiguous(log: PartitionLog, batches: number): Promise<void> {
  expect(log.logEndOffset).toBe(batches * 3);
  const vals = await allValues(log);
  expect(vals.map((v) => v.offset)).toEqual(Array.from({ length: batches * 3 }, (_, i) => i));
  expect(vals.map((v) => v.value.replace(/#+$/, ''))).toEqual(Array.from({ length: batches * 3 }, (_, i) => `v${Math.floor(i / 3)}-${i % 3}`));
  // The log keeps working after recovery.
  produce(log, batches);
  expect(log.logEndOffset).toBe(batches * 3 + 3);
}

describe('recovery', () => {
  it('a clean shutdown leaves a marker that the next open consumes', async () => {
    const log = open();
    for (let i = 0; i < 30; i++) produce(log, i);
    log.close();
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    const again = open();
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(false);
    await expectContiguous(again, 30);
  });

  it('recovers after a crash without a clean shutdown', async () => {
    crashedLogWith(30);
    await expectContiguous(open(), 30);
  });

  it('cuts a torn tail (half a batch)', async () => {
    crashedLogWith(25);
    const file = lastLog();
    const extra = buildRecordBatch({ records: [{ value: Buffer.from('torn'.repeat(20)) }], baseOffset: 75 });
    fs.appendFileSync(file, extra.subarray(0, Math.floor(extra.length / 2)));
    const sizeBefore = fs.statSync(file).size;
    const log = open();
    expect(fs.statSync(file).size).toBe(sizeBefore - Math.floor(extra.length / 2));
    await expectContiguous(log, 25);
  });

  it('cuts garbage after the last batch', async () => {
    crashedLogWith(25);
    fs.appendFileSync(lastLog(), Buffer.from('this is not a record batch at all, just garbage bytes '.repeat(3)));
    await expectContiguous(open(), 25);
  });

  it('cuts a last batch with a corrupted CRC', async () => {
    crashedLogWith(26);
    const file = lastLog();
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, size - 3);
    fs.closeSync(fd);
    await expectContiguous(open(), 25);
  });

  it('never deletes a segment file because its only batch is torn', async () => {
    const log = open();
    for (let i = 0; i < 30; i++) produce(log, i);
    log.close();
    const files = logFiles();
    const last = path.join(dir, files[files.length - 1]!);
    const base = Number(files[files.length - 1]!.slice(0, 20));
    fs.truncateSync(last, 30);
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
    const again = open();
    expect(fs.existsSync(last)).toBe(true);
    expect(fs.statSync(last).size).toBe(0);
    expect(logFiles()).toEqual(files);
    expect(again.logEndOffset).toBe(base);
    await expectContiguous(again, base / 3);
  });

  it('rebuilds deleted index files', async () => {
    const log = open();
    for (let i = 0; i < 40; i++) produce(log, i);
    log.close();
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(dir, f));
    const again = open();
    expect(again.offsetForTimestamp(1020)).toEqual({ offset: 60, timestamp: 1020 });
    await expectContiguous(again, 40);
    again.close();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.index')).length).toBe(logFiles().length);
  });

  it('rebuilds garbled index files (bad sizes, entries past the end, wrong positions)', async () => {
    const log = open();
    for (let i = 0; i < 40; i++) produce(log, i);
    log.close();
    const indexes = fs.readdirSync(dir).filter((f) => f.endsWith('.index')).sort();
    const times = fs.readdirSync(dir).filter((f) => f.endsWith('.timeindex')).sort();
    expect(indexes.length).toBeGreaterThan(3);
    fs.writeFileSync(path.join(dir, indexes[0]!), Buffer.from('odd-sized!!'));
    const pastEnd = Buffer.alloc(8); pastEnd.writeInt32BE(1, 0); pastEnd.writeInt32BE(1 << 30, 4);
    fs.writeFileSync(path.join(dir, indexes[1]!), pastEnd);
    // Plausible-looking entries that point into the middle of batches.
    const wrong = Buffer.alloc(16); wrong.writeInt32BE(2, 0); wrong.writeInt32BE(7, 4); wrong.writeInt32BE(4, 8); wrong.writeInt32BE(250, 12);
    fs.writeFileSync(path.join(dir, indexes[2]!), wrong);
    const nonMonotonic = Buffer.alloc(24); nonMonotonic.writeInt32BE(1000, 8);
    fs.writeFileSync(path.join(dir, times[1]!), nonMonotonic);
    const again = open();
    const base2 = Number(indexes[2]!.slice(0, 20));
    for (const off of [base2, base2 + 2, base2 + 4, base2 + 5]) {
      const first = again.read(off, 1 << 20, again.logEndOffset, true).chunks[0]!;
      const h = readBatchHeader(first, 0);
      expect(h.baseOffset <= off && off <= h.lastOffset).toBe(true);
    }
    expect(again.offsetForTimestamp(1005)).toEqual({ offset: 15, timestamp: 1005 });
    await expectContiguous(again, 40);
  });

  it('recovers when checkpoints are missing', async () => {
    const log = open();
    for (let i = 0; i < 20; i++) produce(log, i);
    log.deleteRecordsBefore(9);
    const first = Number(logFiles()[0]!.slice(0, 20));
    // crash: no close, and both checkpoints lost
    fs.rmSync(path.join(dir, LOG_START_OFFSET_FILE), { force: true });
    fs.rmSync(path.join(dir, LEADER_EPOCH_FILE), { force: true });
    const again = open();
    expect(again.logStartOffset).toBe(first);
    expect(again.logEndOffset).toBe(60);
    expect(again.latestEpoch()).toBe(2);
    expect(again.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 30 });
  });

  it('keeps the epoch cache consistent with a truncated tail', async () => {
    crashedLogWith(11); // epoch 2 starts at offset 30 with batch 10
    const file = lastLog();
    fs.truncateSync(file, fs.statSync(file).size - 5);
    const log = open();
    expect(log.logEndOffset).toBe(30);
    expect(log.latestEpoch()).toBe(1);
  });

  it('opens many cleanly closed partitions quickly', () => {
    const n = 200;
    for (let p = 0; p < n; p++) {
      const l = PartitionLog.open(path.join(dir, `t-${p}`), cfg());
      for (let i = 0; i < 5; i++) produce(l, i);
      l.close();
    }
    const t0 = performance.now();
    const logs = Array.from({ length: n }, (_, p) => PartitionLog.open(path.join(dir, `t-${p}`), cfg()));
    const ms = performance.now() - t0;
    for (const l of logs) { expect(l.logEndOffset).toBe(15); l.close(); }
    expect(ms, `opened ${n} partitions in ${ms.toFixed(1)} ms`).toBeLessThan(300);
  });
});
