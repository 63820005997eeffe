// Time lag without a fetch per partition per tick: the sampler already sees every partition's
// log end offset over time, so "when was offset N appended" is interpolated from that table
// (the approach of kafka-lag-exporter). Only when the committed offset is older than the table
// does it read the record's timestamp, with a per-tick budget and a cache, as groups.get does.
const TABLE_SIZE = 64;

interface Point { t: number; end: number }

export class EndOffsetTable {
  private readonly tables = new Map<string, Point[]>();

  record(topic: string, partition: number, t: number, end: number): void {
    const key = `${topic}/${partition}`;
    let table = this.tables.get(key);
    if (!table) this.tables.set(key, (table = []));
    const last = table.at(-1);
    if (last && end < last.end) table.length = 0; // recreated or truncated: old points lie
    if (last && last.end === end && table.length > 1) {
      // Still at the same end: only move the latest point's time forward.
      const prev = table.at(-2)!;
      if (prev.end === end) last.t = t;
      else table.push({ t, end });
      return;
    }
    table.push({ t, end });
    if (table.length > TABLE_SIZE) {
      // Thin the older half so the table reaches further back instead of dropping history.
      const half = table.length >> 1;
      const older = table.slice(0, half).filter((_, i) => i % 2 === 0);
      table.splice(0, half, ...older);
    }
  }

  /** ms since offset `committed` was appended, or null when the table does not reach back that far. */
  estimate(topic: string, partition: number, committed: number, now: number): number | null {
    const table = this.tables.get(`${topic}/${partition}`);
    if (!table || table.length === 0) return null;
    const last = table.at(-1)!;
    if (committed >= last.end) return 0;
    if (committed < table[0]!.end) return null;
    // Points: at time t_i the log ended at e_i, so offset `committed` (>= e_i, < e_{i+1}) arrived in (t_i, t_{i+1}].
    let lo = 0;
    let hi = table.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (table[mid]!.end <= committed) lo = mid;
      else hi = mid;
    }
    const a = table[lo]!;
    const b = table[hi]!;
    const frac = b.end === a.end ? 1 : (committed - a.end + 1) / (b.end - a.end);
    return Math.max(0, Math.round(now - (a.t + frac * (b.t - a.t))));
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
