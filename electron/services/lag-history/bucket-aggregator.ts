// Folds raw samples into per-minute or per-hour buckets as they arrive, keeping what a chart
// needs to keep its shape: max and min of lag (per partition and of the group total), max
// time lag, max rate, and the last offsets (rates over a bucket come from last-offset deltas).
import {
  dec,
  enc,
  groupPartitionKey,
  groupTotalKey,
  topicPartitionKey,
  parseKey,
  topicTotalKey,
  type ClusterSample,
} from './series.js';

interface TopicPartAcc { end: number; bytes: number | null; rateMax: number | null }
interface TopicAcc { end: number; bytes: number | null; rateMax: number | null }
interface GroupPartAcc { committed: number | null; end: number | null; lagMax: number | null; lagMin: number | null; timeLagMax: number | null }
interface GroupAcc { lagMax: number | null; lagMin: number | null; timeLagMax: number | null }

const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const milli = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000));

export class BucketAggregator {
  private bucketStart: number | null = null;
  private tp = new Map<string, TopicPartAcc>();
  private topics = new Map<string, TopicAcc>();
  private gp = new Map<string, GroupPartAcc>();
  private groups = new Map<string, GroupAcc>();

  constructor(readonly widthMs: number) {}

  /** Adds a sample; when it starts a new bucket, returns the finished one first. */
  add(s: ClusterSample): { t: number; entries: Array<[string, number[]]> } | null {
    const start = Math.floor(s.t / this.widthMs) * this.widthMs;
    const done = this.bucketStart !== null && start !== this.bucketStart ? this.flush() : null;
    this.bucketStart = start;

    const perTopic = new Map<string, { end: number; bytes: number | null; rate: number | null }>();
    for (const p of s.topics) {
      const key = topicPartitionKey(p.topic, p.partition);
      const a = this.tp.get(key);
      this.tp.set(key, { end: p.end, bytes: p.bytes, rateMax: max(a?.rateMax ?? null, p.rate) });
      const t = perTopic.get(p.topic) ?? { end: 0, bytes: 0, rate: null };
      t.end += p.end;
      t.bytes = t.bytes === null || p.bytes === null ? null : t.bytes + p.bytes;
      t.rate = p.rate === null ? t.rate : (t.rate ?? 0) + p.rate;
      perTopic.set(p.topic, t);
    }
    for (const [topic, t] of perTopic) {
      const a = this.topics.get(topic);
      this.topics.set(topic, { end: t.end, bytes: t.bytes, rateMax: max(a?.rateMax ?? null, t.rate) });
    }

    const perGroup = new Map<string, { lag: number | null; timeLag: number | null }>();
    for (const g of s.groups) {
      const key = groupPartitionKey(g.group, g.topic, g.partition);
      const a = this.gp.get(key);
      this.gp.set(key, {
        committed: g.committed ?? a?.committed ?? null,
        end: g.committed !== null && g.lag !== null ? g.committed + g.lag : (a?.end ?? null),
        lagMax: max(a?.lagMax ?? null, g.lag),
        lagMin: min(a?.lagMin ?? null, g.lag),
        timeLagMax: max(a?.timeLagMax ?? null, g.timeLagMs),
      });
      const t = perGroup.get(g.group) ?? { lag: null, timeLag: null };
      if (g.lag !== null) t.lag = (t.lag ?? 0) + g.lag;
      t.timeLag = max(t.timeLag, g.timeLagMs);
      perGroup.set(g.group, t);
    }
    for (const [group, t] of perGroup) {
      const a = this.groups.get(group);
      this.groups.set(group, { lagMax: max(a?.lagMax ?? null, t.lag), lagMin: min(a?.lagMin ?? null, t.lag), timeLagMax: max(a?.timeLagMax ?? null, t.timeLag) });
    }
    return done;
  }

  /**
   * Folds in a row of a finer aggregate tier (a minute row into the hour), as the rebuild after
   * a crash does; when it starts a new bucket, returns the finished one first.
   */
  merge(t: number, rows: Map<string, number[]>): { t: number; entries: Array<[string, number[]]> } | null {
    const start = Math.floor(t / this.widthMs) * this.widthMs;
    const done = this.bucketStart !== null && start !== this.bucketStart ? this.flush() : null;
    this.bucketStart = start;
    const rate = (v: number | undefined) => {
      const r = dec(v);
      return r === null ? null : r / 1000;
    };
    for (const [key, v] of rows) {
      const k = parseKey(key);
      if (k.kind === 't' || k.kind === 'T') {
        const map = k.kind === 't' ? this.tp : this.topics;
        const a = map.get(k.kind === 't' ? key : k.topic!);
        map.set(k.kind === 't' ? key : k.topic!, { end: v[0]!, bytes: dec(v[1]), rateMax: max(a?.rateMax ?? null, rate(v[2])) });
      } else if (k.kind === 'g') {
        const a = this.gp.get(key);
        this.gp.set(key, {
          committed: dec(v[0]) ?? a?.committed ?? null,
          end: dec(v[4]) ?? a?.end ?? null,
          lagMax: max(a?.lagMax ?? null, dec(v[1])),
          lagMin: min(a?.lagMin ?? null, dec(v[2])),
          timeLagMax: max(a?.timeLagMax ?? null, dec(v[3])),
        });
      } else {
        const a = this.groups.get(k.group!);
        this.groups.set(k.group!, { lagMax: max(a?.lagMax ?? null, dec(v[0])), lagMin: min(a?.lagMin ?? null, dec(v[1])), timeLagMax: max(a?.timeLagMax ?? null, dec(v[2])) });
      }
    }
    return done;
  }

  /** The bucket in progress as entries (used at shutdown so a clean stop loses nothing). */
  flush(): { t: number; entries: Array<[string, number[]]> } | null {
    if (this.bucketStart === null) return null;
    const entries: Array<[string, number[]]> = [];
    for (const [k, a] of this.tp) entries.push([k, [a.end, enc(a.bytes), enc(milli(a.rateMax))]]);
    for (const [topic, a] of this.topics) entries.push([topicTotalKey(topic), [a.end, enc(a.bytes), enc(milli(a.rateMax))]]);
    for (const [k, a] of this.gp) entries.push([k, [enc(a.committed), enc(a.lagMax), enc(a.lagMin), enc(a.timeLagMax), enc(a.end)]]);
    for (const [group, a] of this.groups) entries.push([groupTotalKey(group), [enc(a.lagMax), enc(a.lagMin), enc(a.timeLagMax)]]);
    const out = { t: this.bucketStart, entries };
    this.bucketStart = null;
    this.tp = new Map();
    this.topics = new Map();
    this.gp = new Map();
    this.groups = new Map();
    return entries.length > 0 ? out : null;
  }
}
