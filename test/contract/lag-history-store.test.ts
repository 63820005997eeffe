// The lag history store without a broker: synthetic samples through the sampler's write path,
// served back by the query code. Covers crash recovery (a torn tail is cut, earlier points
// stay), downsampling that keeps maxima, the minute tier, buckets in progress rebuilt after a
// crash, retention and the size cap.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lagHistoryInput, throughputHistoryInput } from '../../electron/contract/index.js';
import { BucketAggregator } from '../../electron/services/lag-history/bucket-aggregator.js';
import { HistoryStore } from '../../electron/services/lag-history/history-store.js';
import { lagHistory, throughputHistory } from '../../electron/services/lag-history/history-queries.js';
import { LagSampler } from '../../electron/services/lag-history/lag-sampler.js';
import { rawEntries, type ClusterSample } from '../../electron/services/lag-history/series.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('keel-lag-store-');

const T0 = Date.UTC(2030, 0, 1, 10, 0, 0);
/** A group lagging by `lag(i)` on two partitions of topic "t" while the producer writes 10/s. */
function sample(i: number, lag: (i: number) => number): ClusterSample {
  const end = 100 + i * 50;
  return {
    t: T0 + i * 5_000,
    topics: [0, 1].map((partition) => ({ topic: 't', partition, end, bytes: null, rate: i === 0 ? null : 10 })),
    groups: [0, 1].map((partition) => ({ group: 'g', topic: 't', partition, committed: end - lag(i), lag: lag(i), timeLagMs: lag(i) * 100 })),
  };
}

function write(store: HistoryStore, samples: ClusterSample[]) {
  const c = store.cluster('c1');
  const minute = new BucketAggregator(60_000);
  for (const s of samples) {
    c.append('raw', s.t, rawEntries(s));
    const m = minute.add(s);
    if (m) c.append('minute', m.t, m.entries);
  }
  const m = minute.flush();
  if (m) c.append('minute', m.t, m.entries);
}

const q = (store: HistoryStore, over: Record<string, unknown>, now: number) =>
  lagHistory(store, lagHistoryInput.parse({ clusterId: 'c1', groupId: 'g', ...over }), 5_000, now);

describe('lag history store', () => {
  it('serves raw points, survives a torn tail and keeps appending after it', () => {
    const dir = tmp();
    let store = new HistoryStore(dir);
    write(store, Array.from({ length: 20 }, (_, i) => sample(i, (k) => k)));
    store.close();
    const now = T0 + 20 * 5_000;
    const before = q(store, { from: T0, to: now, points: 1000 }, now);
    expect(before.resolution).toBe('raw');
    expect(before.total.map((p) => p.lag)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect(before.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(before.partitions[0]!.points[3]).toMatchObject({ lag: 3, committedOffset: 247, logEndOffset: 250, timeLagMs: 300 });

    // A writer crash in the middle of a record: cut the raw file 7 bytes into its last record.
    const raw = fs.readdirSync(path.join(dir, 'c1')).find((n) => n.startsWith('raw-'))!;
    const file = path.join(dir, 'c1', raw);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 7);

    store = new HistoryStore(dir);
    const after = q(store, { from: T0, to: now, points: 1000 }, now);
    expect(after.total.map((p) => p.lag)).toEqual(before.total.slice(0, 19).map((p) => p.lag));
    // Restart: the writer cuts the torn tail and continues the delta chain after the last whole record.
    write(store, [20, 21].map((i) => sample(i, (k) => k)));
    store.close();
    const resumed = q(new HistoryStore(dir), { from: T0, to: now + 10_000, points: 1000 }, now + 10_000);
    expect(resumed.total.map((p) => p.lag)).toEqual([...before.total.slice(0, 19).map((p) => p.lag), 40, 42]);
    expect(resumed.partitions[1]!.points.at(-1)).toMatchObject({ committedOffset: 1150 - 21, logEndOffset: 1150 });
  });

  it('downsamples into the requested number of points keeping each bucket maximum', () => {
    const store = new HistoryStore(tmp());
    // A spike of 500 in sample 7 only, otherwise a flat lag of 5.
    write(store, Array.from({ length: 60 }, (_, i) => sample(i, (k) => (k === 7 ? 500 : 5))));
    const now = T0 + 60 * 5_000;
    const h = q(store, { from: T0, to: now, points: 6 }, now);
    expect(h.total.length).toBeLessThanOrEqual(6);
    expect(h.bucketMs).toBe(50_000);
    expect(h.total.map((p) => p.lag)).toEqual([1000, 10, 10, 10, 10, 10]);
    expect(h.total[0]!.lagMin).toBe(10);
    expect(h.partitions[0]!.points[0]).toMatchObject({ lag: 500, lagMin: 5, timeLagMs: 50_000 });
  });

  it('serves the per-minute tier for older ranges and keeps the spike there too', () => {
    const store = new HistoryStore(tmp());
    write(store, Array.from({ length: 60 }, (_, i) => sample(i, (k) => (k === 7 ? 500 : 5))));
    const now = T0 + 7 * 3_600_000; // raw retention (6 h) no longer covers T0
    const h = q(store, { from: T0, to: T0 + 300_000, points: 100 }, now);
    expect(h.resolution).toBe('minute');
    expect(h.bucketMs).toBe(60_000);
    expect(h.total.map((p) => p.lag)).toEqual([1000, 10, 10, 10, 10]);
    expect(h.partitions[1]!.points[0]).toMatchObject({ lag: 500, lagMin: 5, committedOffset: 100 + 11 * 50 - 5 });
  });

  it('rebuilds the minute and hour buckets a crash cut off, keeping their maxima', () => {
    const dir = tmp();
    const spike = (k: number) => (k === 14 ? 500 : 5);
    const samplerOn = (store: HistoryStore) => new LagSampler({ clusterIds: () => [], adapter: () => { throw new Error('none'); } }, store, 5_000).sampler('c1');
    // 0..85 s: minute 10:00 complete and written, minute 10:01 in progress with the spike.
    let store = new HistoryStore(dir);
    let s = samplerOn(store);
    for (let i = 0; i < 18; i++) s.write(sample(i, spike));
    store.close(); // crash: no flush of the buckets in progress
    // Back at 130 s (minute 10:02): 10:01 must be rebuilt from raw, the hour from both.
    store = new HistoryStore(dir);
    s = samplerOn(store);
    for (let i = 26; i < 40; i++) s.write(sample(i, spike));
    s.flush();
    store.close();
    store = new HistoryStore(dir);
    const m = q(store, { from: T0, to: T0 + 200_000, points: 100 }, T0 + 7 * 3_600_000);
    expect(m.resolution).toBe('minute');
    expect(m.total.map((p) => [p.t - T0, p.lag])).toEqual([[0, 10], [60_000, 1000], [120_000, 10], [180_000, 10]]);
    const h = q(store, { from: T0, to: T0 + 3_600_000, points: 10 }, T0 + 9 * 24 * 3_600_000);
    expect(h.resolution).toBe('hour');
    expect(h.total.map((p) => [p.lag, p.lagMin])).toEqual([[1000, 10]]);
    expect(h.partitions[0]!.points[0]).toMatchObject({ lag: 500, lagMin: 5, committedOffset: 100 + 39 * 50 - 5 });
  });

  it('computes throughput from end-offset deltas on both tiers', () => {
    const store = new HistoryStore(tmp());
    write(store, Array.from({ length: 24 }, (_, i) => sample(i, () => 0)));
    const raw = throughputHistory(store, throughputHistoryInput.parse({ clusterId: 'c1', topic: 't', from: T0, to: T0 + 120_000, points: 1000, includePartitions: true }), 5_000, T0 + 120_000);
    expect(raw.resolution).toBe('raw');
    expect(raw.sizesAvailable).toBe(false);
    // 50 messages per 5 s on each of two partitions.
    expect(raw.total.slice(1).every((p) => p.messagesPerSec === 20 && p.bytesPerSec === null)).toBe(true);
    expect(raw.partitions.map((p) => p.points[1]!.messagesPerSec)).toEqual([10, 10]);
    const minute = throughputHistory(store, throughputHistoryInput.parse({ clusterId: 'c1', topic: 't', from: T0, to: T0 + 120_000, points: 100 }), 5_000, T0 + 8 * 3_600_000);
    expect(minute.resolution).toBe('minute');
    expect(minute.total.at(-1)).toMatchObject({ messagesPerSec: 20, messagesPerSecMax: 20 });
  });

  it('expires files past retention and honours the size cap', () => {
    const dir = tmp();
    const store = new HistoryStore(dir);
    write(store, Array.from({ length: 10 }, (_, i) => sample(i, () => 1)));
    expect(store.bytes()).toBeGreaterThan(0);
    store.enforceLimits(T0 + 8 * 3_600_000);
    const names = fs.readdirSync(path.join(dir, 'c1'));
    expect(names.some((n) => n.startsWith('raw-'))).toBe(false);
    expect(names.some((n) => n.startsWith('minute-'))).toBe(true);
    store.maxBytes = 1;
    store.enforceLimits(T0 + 30 * 24 * 3_600_000);
    expect(store.bytes()).toBe(0);
    store.clear();
    expect(fs.existsSync(path.join(dir, 'c1'))).toBe(false);
  });

  it('over the size cap, trims every tier from its old end at the pace of its retention: recent raw hours outlive the minute tier\'s oldest day', () => {
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const store = new HistoryStore(tmp());
    const c = store.cluster('c1');
    const now = Math.floor(T0 / DAY) * DAY + 8 * DAY;
    const rows = rawEntries(sample(1, () => 1));
    // Minute files for the last 8 days (the oldest ends 7 days ago: 7/8 of its retention) and
    // raw files for the last 6 hours (the oldest ends 5 hours ago: 5/6 of its retention).
    for (let d = 8; d >= 0; d--) c.append('minute', now - d * DAY, [[rows[0]![0], [1, 1, 1]]]);
    for (let h = 6; h >= 0; h--) c.append('raw', now - h * HOUR, rows);
    const before = c.files();
    const oldest = (tier: string) => before.filter((f) => f.tier === tier).sort((a, b) => a.start - b.start)[0]!;
    const gone = () => before.filter((f) => !c.files().some((g) => g.file === f.file)).map((f) => f.file);

    store.maxBytes = store.bytes() - 1;
    store.enforceLimits(now);
    expect(gone()).toEqual([oldest('minute').file]);
    store.maxBytes = store.bytes() - 1;
    store.enforceLimits(now);
    expect(gone()).toEqual([oldest('minute').file, oldest('raw').file]);
    // The files being written (this hour's, today's) are never taken.
    store.maxBytes = 1;
    store.enforceLimits(now);
    expect(c.files().map((f) => f.tier).sort()).toEqual(['minute', 'raw']);
    store.close();
  });
});
