// After a restart (clean or not) the minute and hour buckets in progress are rebuilt from
// what is on disk, so a crash loses no aggregate:
//   - the hour bucket folds in the minute rows already written for it,
//   - raw frames after the last minute row are replayed into both aggregators; minute buckets
//     the crash cut off (in progress then, complete now) are written on the way.
// Only the current hour, plus the previous one when the hour tier does not have it yet, are
// looked at: older gaps stay gaps rather than stalling the first tick.
import type { BucketAggregator } from './bucket-aggregator.js';
import { ALL } from './frame-decoder.js';
import type { ClusterHistory, StoredFrame } from './history-store.js';
import { dec, parseKey, type ClusterSample } from './series.js';

const NOTHING = { entity: () => false, key: () => false };

/** A raw frame back in the shape the aggregators take; rates from the previous frame's ends. */
export function sampleFromFrame(f: StoredFrame, prevEnds: Map<string, { t: number; end: number }>): ClusterSample {
  const s: ClusterSample = { t: f.t, topics: [], groups: [] };
  for (const [key, v] of f.rows) {
    const k = parseKey(key);
    if (k.kind === 't') {
      const end = v[0]!;
      const prev = prevEnds.get(key);
      const rate = prev && f.t > prev.t && end >= prev.end ? ((end - prev.end) * 1000) / (f.t - prev.t) : null;
      prevEnds.set(key, { t: f.t, end });
      s.topics.push({ topic: k.topic!, partition: k.partition!, end, bytes: dec(v[1]), rate });
    } else if (k.kind === 'g') {
      s.groups.push({ group: k.group!, topic: k.topic!, partition: k.partition!, committed: dec(v[0]), lag: dec(v[1]), timeLagMs: dec(v[2]) });
    }
  }
  return s;
}

export interface RebuildResult {
  minuteRows: number;
  rawFrames: number;
  /** End offsets of the last replayed frame, so the next live sample's rates continue. */
  prevEnds: Map<string, { t: number; end: number }>;
}

export function rebuildBuckets(c: ClusterHistory, minute: BucketAggregator, hour: BucketAggregator, now: number): RebuildResult {
  const H = hour.widthMs;
  const M = minute.widthMs;
  const hourNow = Math.floor(now / H) * H;
  const lastHour = c.read('hour', hourNow - H, now, NOTHING).at(-1)?.t ?? -Infinity;
  const from = Math.max(hourNow - H, lastHour + H);
  const prevEnds = new Map<string, { t: number; end: number }>();
  if (from >= now) return { minuteRows: 0, rawFrames: 0, prevEnds };

  const rows = c.read('minute', from, now, ALL).filter((r) => r.t < Math.floor(now / M) * M);
  for (const r of rows) {
    const done = hour.merge(r.t, r.rows);
    if (done) c.append('hour', done.t, done.entries);
  }
  const rawFrom = Math.max(from, (rows.at(-1)?.t ?? -Infinity) + M);
  // One frame before rawFrom gives the first replayed frame its rate.
  const frames = c.read('raw', rawFrom - M, now - 1, ALL);
  let replayed = 0;
  for (const f of frames) {
    const sample = sampleFromFrame(f, prevEnds);
    if (f.t < rawFrom) continue;
    replayed++;
    const m = minute.add(sample);
    if (m) c.append('minute', m.t, m.entries);
    const h = hour.add(sample);
    if (h) c.append('hour', h.t, h.entries);
  }
  return { minuteRows: rows.length, rawFrames: replayed, prevEnds };
}
