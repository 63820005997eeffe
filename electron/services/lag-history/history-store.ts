// The on-disk history: one folder per cluster under <userData>/lag-history, three tiers of
// append-only record files, each file covering a fixed time span so retention is "delete the
// file" and a bad file costs only its span:
//   raw     every sample         one file per hour,  kept 6 hours
//   minute  per-minute buckets   one file per day,   kept 8 days
//   hour    per-hour buckets     one file per week,  kept 9 weeks
// A size cap over the whole folder drops the files oldest for their tier first (age against
// the tier's retention), so every tier keeps its most recent part.
import fs from 'node:fs';
import path from 'node:path';
import { FrameEncoder } from './frame-codec.js';
import { FrameDecoder, type SeriesFilter } from './frame-decoder.js';
import { RecordAppender, forgetCachedScan, readRecordFileCached } from './record-file.js';

export type Tier = 'raw' | 'minute' | 'hour';
export const TIERS: Tier[] = ['raw', 'minute', 'hour'];

export interface TierSpec {
  fileSpanMs: number;
  retentionMs: number;
  /** Width of one stored point (0 = one per sample). */
  bucketMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEFAULT_TIERS: Record<Tier, TierSpec> = {
  raw: { fileSpanMs: HOUR, retentionMs: 6 * HOUR, bucketMs: 0 },
  minute: { fileSpanMs: DAY, retentionMs: 8 * DAY, bucketMs: 60_000 },
  hour: { fileSpanMs: 7 * DAY, retentionMs: 63 * DAY, bucketMs: HOUR },
};

export interface StoredFrame {
  t: number;
  rows: Map<string, number[]>;
}

interface Writer {
  fileStart: number;
  appender: RecordAppender;
  encoder: FrameEncoder;
}

const FILE_RE = /^(raw|minute|hour)-(\d+)\.klh$/;

export class ClusterHistory {
  private readonly writers = new Map<Tier, Writer>();

  constructor(
    readonly dir: string,
    private readonly tiers: Record<Tier, TierSpec>,
  ) {}

  append(tier: Tier, t: number, entries: Array<[string, number[]]>): void {
    if (entries.length === 0) return;
    const w = this.writer(tier, t);
    for (const payload of w.encoder.encode(t, entries)) w.appender.append(payload);
  }

  private writer(tier: Tier, t: number): Writer {
    const span = this.tiers[tier].fileSpanMs;
    const fileStart = Math.floor(t / span) * span;
    const cur = this.writers.get(tier);
    if (cur && cur.fileStart === fileStart) return cur;
    cur?.appender.close();
    fs.mkdirSync(this.dir, { recursive: true });
    const { appender, existing } = RecordAppender.open(path.join(this.dir, `${tier}-${fileStart}.klh`));
    // A restart continues the same file: replaying it restores ids and every series' last values.
    const replay = new FrameDecoder(tier);
    for (const rec of existing) {
      try {
        replay.decode(rec, Infinity);
      } catch {
        break;
      }
    }
    const w = { fileStart, appender, encoder: new FrameEncoder(replay.state) };
    this.writers.set(tier, w);
    return w;
  }

  files(tier?: Tier): Array<{ tier: Tier; start: number; file: string; bytes: number }> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ tier: Tier; start: number; file: string; bytes: number }> = [];
    for (const name of names) {
      const m = FILE_RE.exec(name);
      if (!m || (tier && m[1] !== tier)) continue;
      const file = path.join(this.dir, name);
      let bytes = 0;
      try {
        bytes = fs.statSync(file).size;
      } catch {
        continue;
      }
      out.push({ tier: m[1] as Tier, start: Number(m[2]), file, bytes });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /**
   * Frames of one tier with from <= t <= to, holding every live series the filter wants (a
   * series unchanged in a frame still has its row). Reading never modifies a file: a torn tail
   * is simply where reading stops.
   */
  read(tier: Tier, from: number, to: number, filter: SeriesFilter): StoredFrame[] {
    const span = this.tiers[tier].fileSpanMs;
    const out: StoredFrame[] = [];
    for (const f of this.files(tier)) {
      if (f.start > to || f.start + span <= from) continue;
      const records = readRecordFileCached(f.file).records;
      const decoder = new FrameDecoder(tier, filter);
      decoder.prime(records);
      for (const rec of records) {
        let frame;
        try {
          // Frames before `from` still carry the differences later frames build on.
          frame = decoder.decode(rec, from, to);
        } catch {
          break; // a record that passes its checksum but does not decode: stop at it, keep the rest
        }
        if (!frame || frame.t < from || frame.t > to) continue;
        out.push(frame);
      }
    }
    return out.sort((a, b) => a.t - b.t);
  }

  /** Drops files past their tier's retention; returns bytes removed. */
  expire(now: number): number {
    let removed = 0;
    for (const f of this.files()) {
      const spec = this.tiers[f.tier];
      if (f.start + spec.fileSpanMs < now - spec.retentionMs) removed += this.remove(f);
    }
    return removed;
  }

  remove(f: { tier: Tier; start: number; file: string; bytes: number }): number {
    const w = this.writers.get(f.tier);
    if (w && w.fileStart === f.start) {
      w.appender.close();
      this.writers.delete(f.tier);
    }
    forgetCachedScan(f.file);
    try {
      fs.rmSync(f.file, { force: true });
      return f.bytes;
    } catch {
      return 0;
    }
  }

  sync(): void {
    for (const w of this.writers.values()) w.appender.sync();
  }

  close(): void {
    for (const w of this.writers.values()) w.appender.close();
    this.writers.clear();
  }
}

export class HistoryStore {
  private readonly clusters = new Map<string, ClusterHistory>();

  constructor(
    readonly root: string,
    public maxBytes = 512 * 1024 * 1024,
    readonly tiers: Record<Tier, TierSpec> = DEFAULT_TIERS,
  ) {}

  cluster(clusterId: string): ClusterHistory {
    let c = this.clusters.get(clusterId);
    if (!c) {
      c = new ClusterHistory(path.join(this.root, encodeURIComponent(clusterId)), this.tiers);
      this.clusters.set(clusterId, c);
    }
    return c;
  }

  private allClusterIds(): string[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      // No history yet.
    }
    return [...new Set([...names.map((n) => decodeURIComponent(n)), ...this.clusters.keys()])];
  }

  bytes(): number {
    return this.allClusterIds().reduce((n, id) => n + this.cluster(id).files().reduce((m, f) => m + f.bytes, 0), 0);
  }

  /**
   * Retention, then the size cap: the file oldest for its tier goes first (the age of its last
   * moment as a share of the tier's retention), never a file being written now. Every tier then
   * shrinks from its old end at the same pace, so the raw hours just past outlive the minute
   * tier's last day, which the hour tier covers anyway.
   */
  enforceLimits(now: number): void {
    const ids = this.allClusterIds();
    for (const id of ids) this.cluster(id).expire(now);
    let total = this.bytes();
    if (total <= this.maxBytes) return;
    const candidates = TIERS.flatMap((tier, rank) => {
      const { fileSpanMs, retentionMs } = this.tiers[tier];
      return ids
        .flatMap((id) => this.cluster(id).files(tier).map((f) => ({ id, f, rank, age: (now - (f.start + fileSpanMs)) / retentionMs })))
        .filter(({ age }) => age >= 0);
    });
    // Equally old: the finer tier first (a coarser one still covers its time).
    candidates.sort((a, b) => b.age - a.age || a.rank - b.rank);
    for (const { id, f } of candidates) {
      if (total <= this.maxBytes) return;
      total -= this.cluster(id).remove(f);
    }
  }

  clear(clusterId?: string): void {
    for (const id of clusterId === undefined ? this.allClusterIds() : [clusterId]) {
      const c = this.cluster(id);
      c.close();
      for (const f of c.files()) forgetCachedScan(f.file);
      fs.rmSync(c.dir, { recursive: true, force: true });
      this.clusters.delete(id);
    }
  }

  sync(): void {
    for (const c of this.clusters.values()) c.sync();
  }

  close(): void {
    for (const c of this.clusters.values()) c.close();
    this.clusters.clear();
  }
}
