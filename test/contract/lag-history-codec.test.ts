// The changed-only history format: whatever a random sequence of samples does (offsets moving
// or not, consumers catching up and falling behind, partitions and groups disappearing and
// coming back), reading a file back gives every sample as written — for all series, for one
// group (which decodes only that group and its topics), and after reopening mid-file. Idle
// series cost nothing.
import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from '../../electron/services/lag-history/bit-io.js';
import { BucketAggregator } from '../../electron/services/lag-history/bucket-aggregator.js';
import { Section } from '../../electron/services/lag-history/codec-state.js';
import { ALL } from '../../electron/services/lag-history/frame-decoder.js';
import { HistoryStore } from '../../electron/services/lag-history/history-store.js';
import { rawEntries, type ClusterSample } from '../../electron/services/lag-history/series.js';
import { rng } from '../helpers/seeded-random.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('keel-lag-codec-');

const T0 = Date.UTC(2030, 0, 1, 10, 0, 0);

/** Random but self-consistent samples: lag = end − committed (never negative: a commit can land after the end was read), time lag 0 when lag is 0 (and sometimes when it is not). */
function randomSamples(n: number, seed: number): ClusterSample[] {
  const r = rng(seed);
  const ends = new Map<string, number>();
  const committed = new Map<string, number>();
  const out: ClusterSample[] = [];
  for (let i = 0; i < n; i++) {
    const s: ClusterSample = { t: T0 + i * 5_000, topics: [], groups: [] };
    for (const topic of ['a', 'b', 'c']) {
      for (let p = 0; p < 3; p++) {
        if (topic === 'c' && p === 2 && i % 7 < 3) continue; // a partition that comes and goes
        const k = `${topic}/${p}`;
        const end = (ends.get(k) ?? Math.floor(r() * 1e6)) + (r() < 0.5 ? 0 : Math.floor(r() * 300));
        ends.set(k, end);
        s.topics.push({ topic, partition: p, end, bytes: topic === 'a' ? end * 100 : null, rate: null });
      }
    }
    for (const group of ['g1', 'g2', 'g3']) {
      if (group === 'g3' && i % 11 > 6) continue; // a group that disappears and returns
      for (const tp of s.topics) {
        if (group === 'g1' && tp.topic === 'c') continue;
        const k = `${group}/${tp.topic}/${tp.partition}`;
        const mode = r();
        let c = committed.get(k) ?? tp.end - Math.floor(r() * 50);
        if (mode < 0.05) c = tp.end + 1 + Math.floor(r() * 3); // committed after the end was read
        else if (mode < 0.4) c = tp.end; // caught up
        else if (mode < 0.7) c = Math.min(tp.end, c + Math.floor(r() * 100)); // moving behind
        committed.set(k, c);
        const lag = Math.max(0, tp.end - c);
        // A consumer a message behind can have no time lag (the sampler's estimate), and unknown ones.
        const timeLagMs = lag === 0 ? 0 : r() < 0.2 ? null : r() < 0.2 ? 0 : Math.round(r() * 600) * 100;
        s.groups.push({ group, topic: tp.topic, partition: tp.partition, committed: c, lag, timeLagMs });
      }
    }
    out.push(s);
  }
  return out;
}

/**
 * Samples that follow trends (what the raw tier predicts) and break them: per-partition rates
 * that drift, bursts and stops, consumers behind at their own rate, a topic recreated (its end
 * offset drops), unknown committed offsets and time lags, partitions and groups that disappear
 * and come back.
 */
function trendingSamples(n: number, seed: number): ClusterSample[] {
  const r = rng(seed);
  const parts = ['a', 'b', 'c'].flatMap((topic) => [0, 1, 2, 3].map((partition) => ({ topic, partition, end: Math.floor(r() * 1e9), rate: Math.floor(r() * 500), bytes: 0 })));
  const cons = new Map<string, { c: number | null; speed: number }>();
  const out: ClusterSample[] = [];
  for (let i = 0; i < n; i++) {
    const s: ClusterSample = { t: T0 + i * 5_000 + (i % 13 === 0 ? 700 : 0), topics: [], groups: [] };
    for (const p of parts) {
      const x = r();
      if (x < 0.05) p.rate = Math.floor(r() * 500); // new rate
      else if (x < 0.08) p.rate = 0; // stops
      const burst = r() < 0.05 ? Math.floor(r() * 5_000) : 0;
      p.end += p.rate + burst + (r() < 0.3 ? Math.floor(r() * 5) - 2 : 0);
      if (p.topic === 'b' && i === 90) p.end = Math.floor(r() * 100); // recreated
      p.bytes += p.rate * 120;
      if (p.topic === 'c' && p.partition === 3 && i % 17 > 12) continue; // comes and goes
      s.topics.push({ topic: p.topic, partition: p.partition, end: p.end, bytes: p.topic === 'c' ? null : p.bytes, rate: null });
    }
    for (const group of ['g1', 'g2', 'g3', 'g4']) {
      if (group === 'g4' && i % 23 > 15) continue; // a group that disappears and returns
      for (const tp of s.topics) {
        const k = `${group}/${tp.topic}/${tp.partition}`;
        let st = cons.get(k);
        if (!st) cons.set(k, (st = { c: r() < 0.1 ? null : tp.end - Math.floor(r() * 2_000), speed: Math.floor(r() * 600) }));
        if (r() < 0.05) st.speed = Math.floor(r() * 600);
        if (group === 'g1') st.c = tp.end; // keeps up
        else if (st.c !== null) st.c = Math.min(tp.end, st.c + st.speed);
        else if (r() < 0.05) st.c = tp.end - 10;
        const lag = st.c === null ? null : Math.max(0, tp.end - st.c);
        const timeLagMs = lag === null ? null : lag === 0 ? 0 : r() < 0.1 ? null : 30_000 + (i % 40) * 100 + (r() < 0.2 ? Math.floor(r() * 50) * 100 : 0); // time lag is kept to 100 ms
        s.groups.push({ group, topic: tp.topic, partition: tp.partition, committed: st.c, lag, timeLagMs });
      }
    }
    out.push(s);
  }
  return out;
}

const rowsOf = (s: ClusterSample) => new Map(rawEntries(s));

/**
 * Many topics and groups, so frames hold hundreds of 16-entity blocks and a directory: groups
 * and topics whose activity differs (idle, steady, noisy), some idle for whole blocks, a few
 * created late in the file.
 */
function fleetSamples(n: number, entities: number, seed: number): ClusterSample[] {
  const r = rng(seed);
  const ends = Array.from({ length: entities }, () => Array.from({ length: 3 }, () => Math.floor(r() * 1e7)));
  const committed = ends.map((e) => e.map((x) => x - Math.floor(r() * 100)));
  const out: ClusterSample[] = [];
  for (let i = 0; i < n; i++) {
    const s: ClusterSample = { t: T0 + i * 5_000, topics: [], groups: [] };
    for (let g = 0; g < entities; g++) {
      if (g >= entities - 20 && i < n / 2) continue; // created late
      const block = Math.floor(g / 16);
      const active = block % 3 !== 1; // every third block idle throughout
      for (let p = 0; p < 3; p++) {
        if (active) ends[g]![p]! += g % 2 === 0 ? 40 + p : Math.floor(r() * 200);
        const end = ends[g]![p]!;
        s.topics.push({ topic: `topic-${g}`, partition: p, end, bytes: null, rate: null });
        if (g % 5 === 0) committed[g]![p] = end;
        else if (active) committed[g]![p] = Math.min(end, committed[g]![p]! + Math.floor(r() * 150));
        const c = committed[g]![p]!;
        s.groups.push({ group: `group-${g}`, topic: `topic-${g}`, partition: p, committed: c, lag: end - c, timeLagMs: end === c ? 0 : null });
      }
    }
    out.push(s);
  }
  return out;
}

describe('lag history record format', () => {
  it('reads back every sample exactly, for all series and for one group, across a reopen', () => {
    const dir = tmp();
    const samples = randomSamples(200, 7);
    let store = new HistoryStore(dir);
    samples.slice(0, 120).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    // Reopen mid-file: the writer replays the file and continues its predictions.
    store = new HistoryStore(dir);
    samples.slice(120).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    store = new HistoryStore(dir);

    const all = store.cluster('c').read('raw', T0, T0 + 3_600_000, ALL);
    expect(all.map((f) => f.t)).toEqual(samples.map((s) => s.t));
    all.forEach((f, i) => expect(f.rows).toEqual(rowsOf(samples[i]!)));

    const g2 = store.cluster('c').read('raw', T0 + 50 * 5_000, T0 + 3_600_000, {
      entity: (section, name) => section === Section.Groups && name === 'g2',
      key: (k) => k.startsWith('g\u001fg2\u001f'),
    });
    expect(g2.length).toBe(150);
    g2.forEach((f, i) => {
      const want = new Map([...rowsOf(samples[50 + i]!)].filter(([k]) => k.startsWith('g\u001fg2\u001f')));
      expect(f.rows).toEqual(want);
    });
  });

  it('reads back trending samples exactly, for all series and for one group, across a reopen', () => {
    const dir = tmp();
    const samples = trendingSamples(300, 11);
    let store = new HistoryStore(dir);
    samples.slice(0, 170).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    store = new HistoryStore(dir);
    samples.slice(170).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    store = new HistoryStore(dir);
    const all = store.cluster('c').read('raw', T0, T0 + 3_600_000, ALL);
    expect(all.map((f) => f.t)).toEqual(samples.map((s) => s.t));
    all.forEach((f, i) => expect(f.rows).toEqual(rowsOf(samples[i]!)));
    for (const g of ['g2', 'g4']) {
      const one = store.cluster('c').read('raw', T0 + 100 * 5_000, T0 + 3_600_000, {
        entity: (section, name) => section === Section.Groups && name === g,
        key: (k) => k.startsWith(`g\u001f${g}\u001f`),
      });
      expect(one.length).toBe(200);
      one.forEach((f, i) => {
        const want = new Map([...rowsOf(samples[100 + i]!)].filter(([k]) => k.startsWith(`g\u001f${g}\u001f`)));
        expect(f.rows).toEqual(want);
      });
    }
    store.close();
  });

  it('reads back minute and hour rows exactly (the aggregator\'s, from trending samples), for all series and for one group, across a reopen', () => {
    const agg = new BucketAggregator(15_000);
    const frames: Array<{ t: number; entries: Array<[string, number[]]> }> = [];
    for (const s of trendingSamples(400, 5)) {
      const done = agg.add(s);
      if (done) frames.push(done);
    }
    frames.push(agg.flush()!);
    for (const tier of ['minute', 'hour'] as const) {
      const dir = tmp();
      let store = new HistoryStore(dir);
      frames.slice(0, 60).forEach((f) => store.cluster('c').append(tier, f.t, f.entries));
      store.close();
      store = new HistoryStore(dir);
      frames.slice(60).forEach((f) => store.cluster('c').append(tier, f.t, f.entries));
      store.close();
      store = new HistoryStore(dir);
      const all = store.cluster('c').read(tier, T0, T0 + 86_400_000, ALL);
      expect(all.map((f) => f.rows)).toEqual(frames.map((f) => new Map(f.entries)));
      const g3 = (k: string) => k.startsWith('g\u001fg3\u001f') || k === 'G\u001fg3';
      const one = store.cluster('c').read(tier, T0, T0 + 86_400_000, { entity: (section, name) => section === Section.Groups && name === 'g3', key: g3 });
      expect(one.map((f) => f.rows)).toEqual(frames.map((f) => new Map(f.entries.filter(([k]) => g3(k)))));
      store.close();
    }
  });

  it('reads back a fleet of hundreds of topics and groups exactly, one group at a time through the block directory', () => {
    const dir = tmp();
    const samples = fleetSamples(60, 600, 3);
    let store = new HistoryStore(dir);
    samples.slice(0, 25).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    store = new HistoryStore(dir);
    samples.slice(25).forEach((s) => store.cluster('c').append('raw', s.t, rawEntries(s)));
    store.close();
    store = new HistoryStore(dir);
    const all = store.cluster('c').read('raw', T0, T0 + 3_600_000, ALL);
    expect(all.map((f) => f.t)).toEqual(samples.map((s) => s.t));
    all.forEach((f, i) => expect(f.rows).toEqual(rowsOf(samples[i]!)));
    // Groups in the first, a middle, an idle and the last (late) block, each read on its own.
    for (const g of [0, 7, 17, 300, 591, 599]) {
      const prefix = `g\u001fgroup-${g}\u001f`;
      const one = store.cluster('c').read('raw', T0, T0 + 3_600_000, {
        entity: (section, name) => section === Section.Groups && name === `group-${g}`,
        key: (k) => k.startsWith(prefix),
      });
      const want = samples.map((s) => new Map([...rowsOf(s)].filter(([k]) => k.startsWith(prefix))));
      expect(one.map((f) => f.rows)).toEqual(want);
    }
    store.close();
  });

  it('bit I/O round-trips Rice codes of every size, escapes and 53-bit values, and takes bits back', () => {
    const r = rng(5);
    const values: Array<[number, number]> = [];
    for (let i = 0; i < 5_000; i++) {
      const k = Math.floor(r() * 20);
      const z = i % 10 === 0 ? Math.floor(r() * Number.MAX_SAFE_INTEGER) : Math.floor(r() * 2 ** Math.floor(r() * 30));
      values.push([z, k]);
    }
    values.push([0, 0], [Number.MAX_SAFE_INTEGER, 0], [2 ** 24, 0], [11, 0], [12, 0], [4095, 8]);
    const w = new BitWriter(16);
    for (const [z, k] of values) {
      w.rice(z, k);
      // Bits written and taken back leave no trace.
      const mark = w.bitLength;
      w.big(2 ** 40 + 3, 41);
      w.bits(5, 3);
      w.truncate(mark);
    }
    w.bits(1, 1);
    const buf = Buffer.from(w.finish());
    const rd = new BitReader(buf, 0, buf.length);
    for (const [z, k] of values) expect(rd.rice(k)).toBe(z);
    expect(rd.bit()).toBe(1);
    expect(() => new BitReader(buf, 0, 0).bit()).toThrow(/past end/);
  });

  it('writes nothing but a frame header for producers and consumers at a constant rate', () => {
    const dir = tmp();
    const store = new HistoryStore(dir);
    const c = store.cluster('c');
    const at = (i: number): ClusterSample => {
      const t = T0 + i * 5_000;
      const topics = [0, 1, 2].map((p) => ({ topic: 'x', partition: p, end: 1_000_000 + p * 7 + i * (100 + p), bytes: (1_000_000 + i * (100 + p)) * 50, rate: null }));
      return {
        t,
        topics,
        groups: [
          // caught up, behind at the producer's rate (constant lag and time lag), and stopped
          ...topics.map((tp) => ({ group: 'up', topic: 'x', partition: tp.partition, committed: tp.end, lag: 0, timeLagMs: 0 })),
          ...topics.map((tp) => ({ group: 'behind', topic: 'x', partition: tp.partition, committed: tp.end - 5_000, lag: 5_000, timeLagMs: 42_000 })),
          ...topics.map((tp) => ({ group: 'stuck', topic: 'x', partition: tp.partition, committed: 1_000, lag: tp.end - 1_000, timeLagMs: 3_600_000 + i * 5_000 })),
        ],
      };
    };
    for (let i = 0; i < 3; i++) c.append('raw', T0 + i * 5_000, rawEntries(at(i)));
    const before = c.files('raw')[0]!.bytes;
    for (let i = 3; i < 13; i++) c.append('raw', T0 + i * 5_000, rawEntries(at(i)));
    expect((c.files('raw')[0]!.bytes - before) / 10).toBeLessThanOrEqual(8 + 1 + 6 + 4);
    store.close();
    const back = new HistoryStore(dir).cluster('c').read('raw', T0, T0 + 3_600_000, ALL);
    back.forEach((f, i) => expect(f.rows).toEqual(rowsOf(at(i))));
  });

  it('writes nothing but a frame header for series that did not change', () => {
    const dir = tmp();
    const store = new HistoryStore(dir);
    const s = randomSamples(1, 3)[0]!;
    const c = store.cluster('c');
    c.append('raw', s.t, rawEntries(s));
    const first = c.files('raw')[0]!.bytes;
    // Stopped consumers: committed offsets stay, time lag grows with the clock.
    const later = (dt: number): ClusterSample => ({
      ...s,
      t: s.t + dt,
      groups: s.groups.map((g) => ({ ...g, timeLagMs: g.timeLagMs ? g.timeLagMs + dt : g.timeLagMs })),
    });
    for (let i = 1; i <= 10; i++) c.append('raw', s.t + i * 5_000, rawEntries(later(i * 5_000)));
    const perFrame = (c.files('raw')[0]!.bytes - first) / 10;
    // 8-byte record header + kind, time and two empty sections.
    expect(perFrame).toBeLessThanOrEqual(8 + 1 + 6 + 4);
    store.close();
  });
});
