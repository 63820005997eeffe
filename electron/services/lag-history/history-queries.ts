// Serves stored history as chart-ready series: picks the tier that covers the range at a useful
// resolution, then buckets into at most `points` points. Buckets keep the shape of the data:
// lag and time lag take the bucket's maximum (lagMin its minimum), offsets the last value, and
// rates are averaged over the bucket with the highest single rate kept beside them.
import type { LagHistory, LagPoint, MethodParsedInput, PartitionLagPoint, ThroughputHistory, ThroughputPoint } from '../../contract/index.js';
import { Section } from './codec-state.js';
import type { HistoryStore, StoredFrame, Tier } from './history-store.js';
import { dec, groupPrefix, groupTotalKey, parseKey, topicPrefix, topicTotalKey } from './series.js';

const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

export interface Range {
  from: number;
  to: number;
  bucketMs: number;
  tier: Tier;
}

/** The finest tier that still holds `from` and is not needlessly fine for the bucket width. */
export function chooseRange(store: HistoryStore, input: { from?: number | undefined; to?: number | undefined; points: number }, now = Date.now()): Range {
  const to = input.to ?? now;
  const from = Math.min(input.from ?? to - 3_600_000, to);
  const want = Math.max(1, Math.ceil((to - from) / input.points));
  const t = store.tiers;
  let tier: Tier = 'hour';
  if (from >= now - t.raw.retentionMs && want < 5 * t.minute.bucketMs) tier = 'raw';
  // From half-hour buckets on, the hour tier: a week of per-minute rows at 10k partitions is
  // hundreds of MB to read, and hardly different on a chart a few hundred points wide.
  else if (from >= now - t.minute.retentionMs && want < t.hour.bucketMs / 2) tier = 'minute';
  // A bucket narrower than what the tier stores would only produce empty buckets.
  const bucketMs = Math.max(want, t[tier].bucketMs);
  return { from, to, bucketMs, tier };
}

/** Groups frames by bucket start (aligned to `from`), in time order. */
function buckets(frames: StoredFrame[], r: Range): Array<{ t: number; frames: StoredFrame[] }> {
  const out: Array<{ t: number; frames: StoredFrame[] }> = [];
  for (const f of frames) {
    const t = r.from + Math.floor((f.t - r.from) / r.bucketMs) * r.bucketMs;
    const last = out.at(-1);
    if (last && last.t === t) last.frames.push(f);
    else out.push({ t, frames: [f] });
  }
  return out;
}

interface LagSample { lag: number | null; lagMin: number | null; timeLag: number | null; committed: number | null; end: number | null }

/** One stored row of a group-partition or group-total series, whatever its tier. */
function lagRow(tier: Tier, kind: 'g' | 'G', v: number[]): LagSample {
  if (tier === 'raw') {
    const committed = dec(v[0]);
    const lag = dec(v[1]);
    return { lag, lagMin: lag, timeLag: dec(v[2]), committed, end: committed !== null && lag !== null ? committed + lag : null };
  }
  if (kind === 'G') return { lag: dec(v[0]), lagMin: dec(v[1]), timeLag: dec(v[2]), committed: null, end: null };
  return { lag: dec(v[1]), lagMin: dec(v[2]), timeLag: dec(v[3]), committed: dec(v[0]), end: dec(v[4]) };
}

export function lagHistory(
  store: HistoryStore,
  input: MethodParsedInput<'groups.lagHistory'>,
  sampleIntervalMs: number,
  now = Date.now(),
): LagHistory {
  const r = chooseRange(store, input, now);
  const gp = groupPrefix(input.groupId);
  const gt = groupTotalKey(input.groupId);
  const topicOk = (key: string) => input.topic === undefined || parseKey(key).topic === input.topic;
  // Per-topic filtering cannot use the stored group total, so totals are then summed from partitions.
  const useStoredTotal = r.tier !== 'raw' && input.topic === undefined;
  const frames = store
    .cluster(input.clusterId)
    .read(r.tier, r.from, r.to, {
      entity: (section, name) => section === Section.Groups && name === input.groupId,
      key: (key) => (key.startsWith(gp) && topicOk(key)) || (useStoredTotal && key === gt),
    });

  const total: LagPoint[] = [];
  const parts = new Map<string, { topic: string; partition: number; points: PartitionLagPoint[] }>();
  for (const b of buckets(frames, r)) {
    const tp: LagPoint = { t: b.t, lag: null, lagMin: null, timeLagMs: null };
    const pp = new Map<string, PartitionLagPoint>();
    for (const f of b.frames) {
      let sum: number | null = null;
      let sumMin: number | null = null;
      let tl: number | null = null;
      for (const [key, v] of f.rows) {
        if (key === gt) {
          const s = lagRow(r.tier, 'G', v);
          tp.lag = max(tp.lag, s.lag);
          tp.lagMin = min(tp.lagMin, s.lagMin);
          tp.timeLagMs = max(tp.timeLagMs, s.timeLag);
          continue;
        }
        const s = lagRow(r.tier, 'g', v);
        if (s.lag !== null) sum = (sum ?? 0) + s.lag;
        if (s.lagMin !== null) sumMin = (sumMin ?? 0) + s.lagMin;
        tl = max(tl, s.timeLag);
        if (!input.includePartitions) continue;
        const p = pp.get(key) ?? { t: b.t, lag: null, lagMin: null, timeLagMs: null, committedOffset: null, logEndOffset: null };
        p.lag = max(p.lag, s.lag);
        p.lagMin = min(p.lagMin, s.lagMin);
        p.timeLagMs = max(p.timeLagMs, s.timeLag);
        p.committedOffset = s.committed ?? p.committedOffset;
        p.logEndOffset = s.end ?? p.logEndOffset;
        pp.set(key, p);
      }
      if (!useStoredTotal) {
        tp.lag = max(tp.lag, sum);
        tp.lagMin = min(tp.lagMin, sumMin);
        tp.timeLagMs = max(tp.timeLagMs, tl);
      }
    }
    total.push(tp);
    for (const [key, p] of pp) {
      let s = parts.get(key);
      if (!s) {
        const k = parseKey(key);
        s = { topic: k.topic!, partition: k.partition!, points: [] };
        parts.set(key, s);
      }
      s.points.push(p);
    }
  }
  return {
    groupId: input.groupId,
    from: r.from,
    to: r.to,
    resolution: r.tier,
    bucketMs: r.bucketMs,
    sampleIntervalMs,
    total,
    partitions: [...parts.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  };
}

/** Rates between consecutive stored rows of one series: [t of later row, msgs/s, bytes/s, max msgs/s]. */
function rates(frames: StoredFrame[], key: string, tier: Tier): Array<[number, number | null, number | null, number | null, number]> {
  const out: Array<[number, number | null, number | null, number | null, number]> = [];
  let prev: { t: number; end: number; bytes: number | null } | null = null;
  for (const f of frames) {
    const v = f.rows.get(key);
    if (!v) continue;
    const cur = { t: f.t, end: v[0]!, bytes: dec(v[1]) };
    const storedMax = tier === 'raw' ? null : dec(v[2]);
    if (prev && cur.t > prev.t) {
      const dt = (cur.t - prev.t) / 1000;
      // A shrinking end offset means the topic was recreated: no rate across that point.
      const msgs = cur.end >= prev.end ? (cur.end - prev.end) / dt : null;
      const bytes = cur.bytes !== null && prev.bytes !== null && cur.bytes >= prev.bytes ? (cur.bytes - prev.bytes) / dt : null;
      out.push([cur.t, msgs, bytes, storedMax !== null ? storedMax / 1000 : msgs, cur.t - prev.t]);
    }
    prev = cur;
  }
  return out;
}

function bucketRates(rows: ReturnType<typeof rates>, r: Range): ThroughputPoint[] {
  const out: ThroughputPoint[] = [];
  let cur: { t: number; msgs: number; msgsDt: number; bytes: number; bytesDt: number; max: number | null } | null = null;
  const push = () => {
    if (!cur) return;
    out.push({
      t: cur.t,
      messagesPerSec: cur.msgsDt > 0 ? cur.msgs / cur.msgsDt : null,
      bytesPerSec: cur.bytesDt > 0 ? cur.bytes / cur.bytesDt : null,
      messagesPerSecMax: cur.max,
    });
  };
  for (const [t, msgs, bytes, mx, dtMs] of rows) {
    const bt = r.from + Math.floor((t - r.from) / r.bucketMs) * r.bucketMs;
    if (!cur || cur.t !== bt) {
      push();
      cur = { t: bt, msgs: 0, msgsDt: 0, bytes: 0, bytesDt: 0, max: null };
    }
    const dt = dtMs / 1000;
    if (msgs !== null) (cur.msgs += msgs * dt), (cur.msgsDt += dt);
    if (bytes !== null) (cur.bytes += bytes * dt), (cur.bytesDt += dt);
    cur.max = max(cur.max, mx);
  }
  push();
  return out;
}

export function throughputHistory(
  store: HistoryStore,
  input: MethodParsedInput<'topics.throughputHistory'>,
  sampleIntervalMs: number,
  now = Date.now(),
): ThroughputHistory {
  const r = chooseRange(store, input, now);
  const tp = topicPrefix(input.topic);
  const tt = topicTotalKey(input.topic);
  // One extra stored point before `from` gives the first bucket its delta.
  const lead = r.tier === 'raw' ? sampleIntervalMs * 2 : store.tiers[r.tier].bucketMs * 2;
  const frames = store.cluster(input.clusterId).read(r.tier, r.from - lead, r.to, {
    entity: (section, name) => section === Section.Topics && name === input.topic,
    key: (key) => key.startsWith(tp) || key === tt,
  });
  let sizesAvailable = false;
  const partKeys = new Set<string>();
  for (const f of frames) for (const [k, v] of f.rows) if (k !== tt) (partKeys.add(k), (sizesAvailable ||= dec(v[1]) !== null));

  let total: ThroughputPoint[];
  if (r.tier === 'raw') {
    // Raw frames hold partitions only: sum them into a synthetic total row per frame.
    const summed: StoredFrame[] = frames.map((f) => {
      let end = 0;
      let bytes: number | null = 0;
      for (const [k, v] of f.rows) {
        if (k === tt) continue;
        end += v[0]!;
        const b = dec(v[1]);
        bytes = bytes === null || b === null ? null : bytes + b;
      }
      return { t: f.t, rows: new Map([[tt, [end, bytes === null ? 0 : bytes + 1]]]) };
    });
    total = bucketRates(rates(summed, tt, 'raw'), r);
  } else {
    total = bucketRates(rates(frames, tt, r.tier), r);
  }
  const inRange = (p: ThroughputPoint) => p.t >= r.from;
  const partitions = input.includePartitions
    ? [...partKeys]
        .map((k) => ({ partition: parseKey(k).partition!, points: bucketRates(rates(frames, k, r.tier), r).filter(inRange) }))
        .sort((a, b) => a.partition - b.partition)
    : [];
  return {
    topic: input.topic,
    from: r.from,
    to: r.to,
    resolution: r.tier,
    bucketMs: r.bucketMs,
    sampleIntervalMs,
    sizesAvailable,
    total: total.filter(inRange),
    partitions,
  };
}
