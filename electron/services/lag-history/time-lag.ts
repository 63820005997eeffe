// Time lag without a fetch per partition per tick: the sampler already sees every partition's
// log end offset over time, so "when was offset N appended" is interpolated from that table
// (the approach of kafka-lag-exporter). Only when the committed offset is older than the table
// does it read the record's timestamp, with a per-tick budget and a cache, as groups.get does.
// The history codec keeps the same table per topic partition from the end offsets it stores,
// so it predicts the sampler's time lag exactly while both tables saw the same points.
const TABLE_SIZE = 64;

/** One partition's (time, log end offset) points, newest last, the older half thinned as it grows. */
export class EndOffsetHistory {
  private readonly ts: number[] = [];
  private readonly ends: number[] = [];

  record(t: number, end: number): void {
    const { ts, ends } = this;
    const n = ends.length;
    if (n > 0 && end < ends[n - 1]!) {
      // Recreated or truncated: old points lie.
      ts.length = 0;
      ends.length = 0;
    } else if (n > 1 && ends[n - 1] === end) {
      // Still at the same end: only move the latest point's time forward.
      if (ends[n - 2] === end) ts[n - 1] = t;
      else (ts.push(t), ends.push(end));
      return;
    }
    ts.push(t);
    ends.push(end);
    if (ends.length > TABLE_SIZE) {
      // Thin the older half so the table reaches further back instead of dropping history.
      const half = ends.length >> 1;
      let w = 0;
      for (let i = 0; i < half; i += 2, w++) (ts[w] = ts[i]!), (ends[w] = ends[i]!);
      ts.copyWithin(w, half);
      ends.copyWithin(w, half);
      ts.length = ends.length = ends.length - half + w;
    }
  }

  /** ms since offset `committed` was appended, or null when the table does not reach back that far. */
  estimate(committed: number, now: number): number | null {
    const { ts, ends } = this;
    const n = ends.length;
    if (n === 0) return null;
    if (committed >= ends[n - 1]!) return 0;
    if (committed < ends[0]!) return null;
    // At time ts[i] the log ended at ends[i], so offset `committed` (>= ends[lo], < ends[hi]) arrived in (ts[lo], ts[hi]].
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= committed) lo = mid;
      else hi = mid;
    }
    const frac = ends[hi] === ends[lo] ? 1 : (committed - ends[lo]! + 1) / (ends[hi]! - ends[lo]!);
    return Math.max(0, Math.round(now - (ts[lo]! + frac * (ts[hi]! - ts[lo]!))));
  }
}

/** The sampler's histories, one per topic partition it saw in the last snapshot. */
export class EndOffsetTable {
  private readonly tables = new Map<string, EndOffsetHistory>();

  record(topic: string, partition: number, t: number, end: number): void {
    const key = `${topic}/${partition}`;
    let table = this.tables.get(key);
    if (!table) this.tables.set(key, (table = new EndOffsetHistory()));
    table.record(t, end);
  }

  estimate(topic: string, partition: number, committed: number, now: number): number | null {
    return this.tables.get(`${topic}/${partition}`)?.estimate(committed, now) ?? null;
  }

  forgetMissing(present: Set<string>): void {
    for (const k of this.tables.keys()) if (!present.has(k)) this.tables.delete(k);
  }
}

/** Record timestamps read for committed offsets older than the table, cached per partition. */
export class RecordTimeCache {
  private readonly cache = new Map<string, { offset: number; timestamp: number }>();

  get(topic: string, partition: number, offset: number): number | undefined {
    const c = this.cache.get(`${topic}/${partition}`);
    return c && c.offset === offset ? c.timestamp : undefined;
  }

  set(topic: string, partition: number, offset: number, timestamp: number): void {
    this.cache.set(`${topic}/${partition}`, { offset, timestamp });
  }
}
