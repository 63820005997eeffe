// What keeps the raw tier small, checked on samples the sampler itself builds from cluster
// snapshots (LagSampler.toSample, as every live tick): a consumer's time lag is measured from
// the sampler's table of end offsets, and the store keeps the same table from the end offsets
// it stores, so those time lags cost next to nothing; everything still reads back exactly.
import { expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../electron/services/lag-history/cluster-snapshot.js';
import { ALL } from '../../electron/services/lag-history/frame-decoder.js';
import { HistoryStore } from '../../electron/services/lag-history/history-store.js';
import { LagSampler } from '../../electron/services/lag-history/lag-sampler.js';
import { rawEntries, type ClusterSample } from '../../electron/services/lag-history/series.js';
import { rng } from '../helpers/seeded-random.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('keel-lag-predict-');

const T0 = Date.UTC(2030, 0, 1, 10, 0, 0);
const PARTITIONS = 8;

/** A noisy producer, a consumer that keeps up with jitter, one behind at ~90 % and one stopped. */
async function sampledTicks(n: number): Promise<ClusterSample[]> {
  const r = rng(5);
  const store = new HistoryStore(tmp());
  const sampler = new LagSampler({ clusterIds: () => [], adapter: () => { throw new Error('snapshots only'); } }, store, 5_000).sampler('c');
  const rates = Array.from({ length: PARTITIONS }, (_, p) => 20 + p * 30);
  const ends = rates.map(() => 1_000_000 + Math.floor(r() * 1_000));
  const behind = ends.map((e) => e - 5_000);
  const stopped = ends.map((e) => e - 200);
  const out: ClusterSample[] = [];
  for (let i = 0; i < n; i++) {
    ends.forEach((_, p) => (ends[p]! += Math.max(0, Math.round(rates[p]! * 5 * (0.8 + r() * 0.4)))));
    behind.forEach((_, p) => (behind[p] = Math.min(ends[p]!, behind[p]! + Math.round(rates[p]! * 5 * (0.8 + r() * 0.2)))));
    const snap: ClusterSnapshot = {
      t: T0 + i * 5_000 + Math.floor(r() * 40),
      brokers: 3,
      errors: [],
      topics: [{ topic: 'orders', internal: false, partitions: ends.map((end, p) => ({ partition: p, leader: p % 3, replicas: 3, isr: 3, start: 0, end })) }],
      groups: (
        [
          ['up', ends.map((e, p) => e - Math.floor(r() * rates[p]!))],
          ['behind', behind],
          ['stopped', stopped],
        ] as const
      ).map(([groupId, committed]) => ({
        groupId,
        state: 'Stable',
        members: 1,
        offsets: committed.map((c, p) => ({ topic: 'orders', partition: p, committed: c, lag: Math.max(0, ends[p]! - c) })),
      })),
    };
    out.push(await sampler.toSample(null, snap));
  }
  store.close();
  return out;
}

/** Writes the samples to a fresh store and returns the raw tier's bytes after the first one. */
function storedBytes(samples: ClusterSample[]): { bytes: number; dir: string } {
  const dir = tmp();
  const store = new HistoryStore(dir);
  const c = store.cluster('c');
  c.append('raw', samples[0]!.t, rawEntries(samples[0]!));
  const first = c.files('raw')[0]!.bytes;
  for (const s of samples.slice(1)) c.append('raw', s.t, rawEntries(s));
  const bytes = c.files('raw')[0]!.bytes - first;
  store.close();
  return { bytes, dir };
}

it('predicts the time lags the sampler measured from its end-offset table, and reads every sample back exactly', async () => {
  const samples = await sampledTicks(240);
  const moving = samples.flatMap((s) => s.groups).filter((g) => g.group !== 'stopped' && g.timeLagMs !== null && g.timeLagMs > 0);
  expect(moving.length).toBeGreaterThan(240 * PARTITIONS);

  const measured = storedBytes(samples);
  // The same samples with each moving time lag off by 0.1–0.9 s, as if measured some other way.
  const r = rng(9);
  const jittered = samples.map((s) => ({ ...s, groups: s.groups.map((g) => (g.group !== 'stopped' && g.timeLagMs ? { ...g, timeLagMs: g.timeLagMs + 100 * (1 + Math.floor(r() * 9)) } : g)) }));
  const other = storedBytes(jittered);
  // The jitter holds log2(9) ≈ 3.2 bits per value; the store pays at least 3 bits more for each,
  // so it pays almost nothing for a time lag as measured.
  expect((other.bytes - measured.bytes) * 8).toBeGreaterThan(moving.length * 3);

  // Exactly, that is: a time lag is kept as the append time it implies, to 100 ms.
  const as100ms = (s: ClusterSample): ClusterSample => ({
    ...s,
    groups: s.groups.map((g) => (g.timeLagMs ? { ...g, timeLagMs: Math.max(0, s.t - Math.round((s.t - g.timeLagMs) / 100) * 100) } : g)),
  });
  for (const [{ dir }, want] of [
    [measured, samples],
    [other, jittered],
  ] as const) {
    const store = new HistoryStore(dir);
    const back = store.cluster('c').read('raw', T0, T0 + 3_600_000, ALL);
    expect(back.map((f) => f.rows)).toEqual(want.map((s) => new Map(rawEntries(as100ms(s)))));
    store.close();
  }
});
