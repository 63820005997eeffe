// The lag sampler: every interval, for every connected cluster, one snapshot through the
// console's adapter → per-partition committed offset, log end offset, lag, time lag, and per
// topic partition the end offset and rate. Raw samples go straight to the store; minute and
// hour aggregates are folded in memory and written when their bucket closes. A tick still
// running for a cluster is never overlapped by the next one (a slow cluster just samples less).
import type { KafkaAdapter } from '../kafka-adapter.js';
import { fetchOneRecord } from '../record-fetch.js';
import { BucketAggregator } from './bucket-aggregator.js';
import { rebuildBuckets } from './bucket-rebuild.js';
import { takeSnapshot, type ClusterSnapshot } from './cluster-snapshot.js';
import type { HistoryStore } from './history-store.js';
import { rawEntries, type ClusterSample } from './series.js';
import { EndOffsetTable, RecordTimeCache } from './time-lag.js';

export interface SamplerSource {
  /** Clusters to sample right now: the sandbox while it runs and remote clusters while connected. */
  clusterIds(): string[];
  adapter(clusterId: string): KafkaAdapter;
}

export interface ClusterSamplerStatus {
  clusterId: string;
  lastSampleAt: number | null;
  lastDurationMs: number | null;
  groups: number;
  partitions: number;
  lastError: string | null;
}

/** Records fetched per tick per cluster for time lag the table cannot answer. */
const RECORD_FETCH_BUDGET = 32;

class ClusterSampler {
  readonly status: ClusterSamplerStatus;
  private readonly ends = new EndOffsetTable();
  private readonly recordTimes = new RecordTimeCache();
  private readonly minute: BucketAggregator;
  private readonly hour: BucketAggregator;
  private prevEnds = new Map<string, { t: number; end: number }>();
  busy = false;

  constructor(
    readonly clusterId: string,
    private readonly store: HistoryStore,
  ) {
    this.status = { clusterId, lastSampleAt: null, lastDurationMs: null, groups: 0, partitions: 0, lastError: null };
    this.minute = new BucketAggregator(store.tiers.minute.bucketMs);
    this.hour = new BucketAggregator(store.tiers.hour.bucketMs);
  }

  async tick(adapter: KafkaAdapter): Promise<void> {
    const started = Date.now();
    try {
      const snap = await takeSnapshot(adapter, { sizes: true });
      const sample = await this.toSample(adapter, snap);
      this.write(sample);
      this.status.lastSampleAt = snap.t;
      this.status.groups = snap.groups.length;
      this.status.partitions = sample.topics.length;
      this.status.lastError = snap.errors[0] ?? null;
    } catch (err) {
      this.status.lastError = (err as Error).message;
    } finally {
      this.status.lastDurationMs = Date.now() - started;
    }
  }

  /** Public for the benchmark and tests, which feed synthetic snapshots. */
  async toSample(adapter: KafkaAdapter | null, snap: ClusterSnapshot): Promise<ClusterSample> {
    const t = snap.t;
    const topics: ClusterSample['topics'] = [];
    const nextEnds = new Map<string, { t: number; end: number }>();
    const present = new Set<string>();
    for (const tp of snap.topics) {
      if (tp.internal) continue;
      for (const p of tp.partitions) {
        if (p.end < 0) continue;
        const key = `${tp.topic}/${p.partition}`;
        present.add(key);
        this.ends.record(tp.topic, p.partition, t, p.end);
        const prev = this.prevEnds.get(key);
        const rate = prev && t > prev.t && p.end >= prev.end ? ((p.end - prev.end) * 1000) / (t - prev.t) : null;
        nextEnds.set(key, { t, end: p.end });
        topics.push({ topic: tp.topic, partition: p.partition, end: p.end, bytes: p.sizeBytes ?? null, rate });
      }
    }
    this.prevEnds = nextEnds;
    this.ends.forgetMissing(present);

    const groups: ClusterSample['groups'] = [];
    let budget = RECORD_FETCH_BUDGET;
    for (const g of snap.groups) {
      for (const o of g.offsets) {
        let timeLagMs: number | null = null;
        if (o.lag === 0) timeLagMs = 0;
        else if (o.lag !== null) {
          timeLagMs = this.ends.estimate(o.topic, o.partition, o.committed, t);
          if (timeLagMs === null) {
            let ts = this.recordTimes.get(o.topic, o.partition, o.committed);
            if (ts === undefined && adapter && budget > 0) {
              budget--;
              const rec = await fetchOneRecord(adapter, o.topic, o.partition, String(o.committed)).catch(() => null);
              if (rec) this.recordTimes.set(o.topic, o.partition, o.committed, (ts = Number(rec.timestamp)));
            }
            if (ts !== undefined) timeLagMs = Math.max(0, t - ts);
          }
        }
        groups.push({ group: g.groupId, topic: o.topic, partition: o.partition, committed: o.committed, lag: o.lag, timeLagMs });
      }
    }
    return { t, topics, groups };
  }

  /** False until the buckets in progress were rebuilt from disk (first write after start). */
  private restored = false;

  write(sample: ClusterSample): void {
    const c = this.store.cluster(this.clusterId);
    if (!this.restored) {
      this.restored = true;
      try {
        rebuildBuckets(c, this.minute, this.hour, sample.t);
      } catch {
        // Unreadable history costs the rebuilt aggregates only, never the sampling.
      }
    }
    c.append('raw', sample.t, rawEntries(sample));
    const m = this.minute.add(sample);
    if (m) c.append('minute', m.t, m.entries);
    const h = this.hour.add(sample);
    if (h) c.append('hour', h.t, h.entries);
  }

  /** Writes the buckets in progress, so a clean stop loses no aggregate. */
  flush(): void {
    const c = this.store.cluster(this.clusterId);
    const m = this.minute.flush();
    if (m) c.append('minute', m.t, m.entries);
    const h = this.hour.flush();
    if (h) c.append('hour', h.t, h.entries);
  }
}

export class LagSampler {
  private readonly clusters = new Map<string, ClusterSampler>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private lastHousekeeping = 0;

  constructor(
    private readonly source: SamplerSource,
    readonly store: HistoryStore,
    public intervalMs = 5_000,
    private readonly log: (msg: string, err?: unknown) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tickAll(), this.intervalMs);
    this.timer.unref?.();
    this.tickAll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  sampler(clusterId: string): ClusterSampler {
    let s = this.clusters.get(clusterId);
    if (!s) this.clusters.set(clusterId, (s = new ClusterSampler(clusterId, this.store)));
    return s;
  }

  /** One round over all clusters now; resolves when every cluster's tick is done. */
  tickAll(): Promise<void> {
    const ids = this.source.clusterIds();
    const runs: Promise<void>[] = [];
    for (const id of ids) {
      const s = this.sampler(id);
      if (s.busy) continue;
      let adapter: KafkaAdapter;
      try {
        adapter = this.source.adapter(id);
      } catch (err) {
        s.status.lastError = (err as Error).message;
        continue;
      }
      s.busy = true;
      const p = s.tick(adapter).finally(() => {
        s.busy = false;
        this.inFlight.delete(p);
      });
      this.inFlight.add(p);
      runs.push(p);
    }
    const now = Date.now();
    if (now - this.lastHousekeeping > 60_000) {
      this.lastHousekeeping = now;
      try {
        this.store.enforceLimits(now);
        this.store.sync();
      } catch (err) {
        this.log('lag history housekeeping failed', err);
      }
    }
    return Promise.all(runs).then(() => undefined);
  }

  status(): ClusterSamplerStatus[] {
    return [...this.clusters.values()].map((s) => ({ ...s.status }));
  }

  /** Stops sampling, waits for running ticks, writes the buckets in progress. */
  async close(): Promise<void> {
    this.stop();
    await Promise.all([...this.inFlight]);
    for (const s of this.clusters.values()) s.flush();
    this.store.close();
  }
}
