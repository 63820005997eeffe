// Lag sampler cost for `npm run bench:console` (sections `sampler` and `sampler-live`).
//   sampler       1,000 groups × 10 partitions sampled every 5 s from synthetic snapshots: CPU
//                 share of one core and bytes per day written before downsampling (raw tier)
//                 and after (minute + hour), plus one group's 1 h, 1 d and 7 d query times.
//                 `fleet` is shaped like production (synthetic-fleet.ts: 5 groups per topic,
//                 caught-up consumers whose lag jitters with what was in flight, some behind,
//                 stopped or batch); the activity patterns give each group its own topic
//                 (20,000 series) and range from 10 % of groups active to every partition
//                 moving every tick. Synthetic snapshots make the number the sampler + store only.
//                 The size target is judged on `fleet` and on 10 % of groups active. The other
//                 patterns are stress cases: every one of 10,000 topic partitions moves with
//                 noise, and the noise alone can exceed the budget (`fleet1`, the fleet with
//                 one group per topic, prints its estimate), so they have no target.
//   sampler-live  the same path with the Kafka round trips, against a sandbox in its own
//                 process (so its CPU is not counted) with 200 groups × 10 partitions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { lagHistoryInput } from '../../electron/contract/index.js';
import { KafkaAdapter } from '../../electron/services/kafka-adapter.js';
import type { ClusterSnapshot } from '../../electron/services/lag-history/cluster-snapshot.js';
import { HistoryStore } from '../../electron/services/lag-history/history-store.js';
import { lagHistory } from '../../electron/services/lag-history/history-queries.js';
import { LagSampler } from '../../electron/services/lag-history/lag-sampler.js';
import { groupPartitionKey, groupTotalKey, topicPartitionKey, topicTotalKey } from '../../electron/services/lag-history/series.js';
import { startSandboxProcess } from './sandbox-process.js';
import { Draws, SyntheticFleet, syntheticSnapshot } from './synthetic-fleet.js';

export interface BenchRow { section: string; metric: string; value: number; unit: string; target?: string; pass?: boolean }
type Record = (row: BenchRow) => void;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;


interface Part { rate: number; keepsUp: boolean; end: number; committed: number; capacity: number; burst: number }

/**
 * How offsets move between ticks:
 *   idle90    10 % of groups (and their topics) move, every partition every tick, rest idle;
 *   varied    every group active, per-partition rates log-uniform 0.02–100 msg/s (many
 *             partitions see no message in a given 5 s), 80 % of consumers keep up;
 *   everyTick every partition of every group produces 5–205 msg/s and commits every tick
 *             (the worst case: nothing is ever unchanged).
 *   drift     every group active, per-partition rates log-uniform 0.02–100 msg/s that drift
 *             slowly (±2 % per tick, random walk), Poisson-like noise (± √n per tick), and
 *             bursts (0.2 % of partition-ticks start a 1 min burst at 5×); 80 % of consumers
 *             keep up, the rest consume at 90–110 % of the base rate with the same noise.
 *   steady    every group active, 5–205 msg/s constant per partition with ±1 % noise, 80 % of
 *             consumers keep up, the rest lag behind at a constant rate (the best case for a
 *             trend predictor).
 */
export type Activity = 'idle90' | 'varied' | 'everyTick' | 'drift' | 'steady';
/** Activity patterns, plus the production-shaped model of synthetic-fleet.ts with 5 groups per topic (`fleet`) or 1 (`fleet1`). */
export type Scenario = Activity | 'fleet' | 'fleet1';

export class SyntheticCluster {
  readonly parts: Part[][];
  private readonly draws = new Draws(42);
  private readonly rand = this.draws.uniform;

  constructor(readonly groups: number, readonly partitions: number, readonly intervalMs: number, readonly activity: Activity) {
    const r = this.rand;
    this.parts = Array.from({ length: groups }, (_, g) =>
      Array.from({ length: partitions }, () => {
        const end = Math.floor(r() * 1e9);
        let rate = 0;
        if (activity === 'everyTick' || (activity === 'idle90' && g < groups * 0.1)) rate = 5 + r() * 200;
        if (activity === 'varied' || activity === 'drift') rate = 0.02 * Math.exp(r() * Math.log(100 / 0.02));
        if (activity === 'steady') rate = 5 + r() * 200;
        const keepsUp = activity === 'varied' || activity === 'drift' || activity === 'steady' ? r() < 0.8 : false;
        return { rate, keepsUp, end, committed: end - Math.floor(r() * 1000), capacity: 0.9 + r() * 0.2, burst: 0 };
      }),
    );
  }

  advance(): void {
    const r = this.rand;
    const dt = this.intervalMs / 1000;
    for (const parts of this.parts) {
      for (const p of parts) {
        if (p.rate === 0) continue;
        if (this.activity === 'drift' || this.activity === 'steady') {
          this.advanceRealistic(p, dt);
          continue;
        }
        const expected = p.rate * dt;
        // Jittered production; below one message per tick, a message arrives with that probability.
        const produced = expected < 1 ? (r() < expected ? 1 : 0) : Math.round(expected * (0.7 + r() * 0.6));
        p.end += produced;
        if (this.activity === 'varied') {
          if (p.keepsUp) p.committed = p.end;
          else p.committed = Math.min(p.end, p.committed + Math.round(expected * (0.8 + r() * 0.2)));
        } else {
          p.committed = Math.min(p.end, p.committed + Math.round(expected * (0.8 + r() * 0.4) * (0.7 + r() * 0.6)));
        }
      }
    }
  }

  private advanceRealistic(p: Part, dt: number): void {
    const r = this.rand;
    let expected = p.rate * dt;
    if (this.activity === 'drift') {
      p.rate = Math.min(200, Math.max(0.01, p.rate * (1 + (r() - 0.5) * 0.04)));
      if (p.burst > 0) p.burst--;
      else if (r() < 0.002) p.burst = 12;
      expected = p.rate * dt * (p.burst > 0 ? 5 : 1);
      p.end += this.draws.count(expected);
    } else p.end += Math.round(expected * (1 + this.draws.gauss() * 0.017));
    if (p.keepsUp) p.committed = p.end;
    else {
      const base = p.rate * dt * p.capacity;
      p.committed = Math.min(p.end, p.committed + (this.activity === 'drift' ? this.draws.count(base) : Math.round(base * (1 + this.draws.gauss() * 0.017))));
    }
  }

  snapshot(t: number): ClusterSnapshot {
    return syntheticSnapshot(t, this.parts.map((parts) => parts.map((p) => p.end)), this.parts.map((parts, g) => ({ topic: g, committed: parts.map((p) => p.committed), stopped: false })));
  }
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

async function scenario(record: Record, o: { groups: number; partitions: number; intervalMs: number; minutes: number }, activity: Scenario, label: string, judged: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-sampler-bench-'));
  const ticks = Math.round((o.minutes * 60_000) / o.intervalMs);
  const dayTicks = DAY / o.intervalMs;
  try {
    const store = new HistoryStore(dir, 10 * 1024 ** 3);
    const sampler = new LagSampler({ clusterIds: () => [], adapter: () => { throw new Error('synthetic'); } }, store, o.intervalMs).sampler('bench');
    const sim = activity === 'fleet' || activity === 'fleet1' ? new SyntheticFleet(o.groups, o.partitions, o.intervalMs, activity === 'fleet' ? 5 : 1) : new SyntheticCluster(o.groups, o.partitions, o.intervalMs, activity);
    const t0 = Math.floor(Date.UTC(2030, 0, 1) / HOUR) * HOUR;
    let cpu = 0;
    let firstRaw = 0;
    // Minute frames: the first one (with its file's dictionary and full values), then the rest.
    const minute = { frames: 0, first: 0, last: 0 };
    const bytes = (tier: string) => store.cluster('bench').files().filter((f) => f.tier === tier).reduce((n, f) => n + f.bytes, 0);
    for (let i = 0; i < ticks; i++) {
      const m = bytes('minute');
      if (m !== minute.last) {
        if (++minute.frames === 1) minute.first = m;
        minute.last = m;
      }
      if (i === 1) firstRaw = bytes('raw');
      sim.advance();
      const snap = sim.snapshot(t0 + i * o.intervalMs);
      const c0 = process.cpuUsage();
      // The same path as a live tick after takeSnapshot: sample building, time lag, raw write, aggregation.
      sampler.write(await sampler.toSample(null, snap));
      const c1 = process.cpuUsage(c0);
      cpu += (c1.user + c1.system) / 1000;
    }
    sampler.flush();
    const raw = bytes('raw');
    store.close();
    const series = o.groups * o.partitions;
    const cpuShare = (cpu / ticks / o.intervalMs) * 100;
    // Steady state per tick, plus one file start (dictionary + every series in full) per hourly file.
    const rawDay = ((raw - firstRaw) / (ticks - 1)) * dayTicks + 24 * firstRaw;
    record({ section: 'sampler', metric: `${label}: CPU, share of one core`, value: Math.round(cpuShare * 100) / 100, unit: '%', target: '< 5', pass: cpuShare < 5 });
    record({ section: 'sampler', metric: `${label}: raw tier, MB/day`, value: mb(rawDay), unit: 'MB', ...(judged ? { target: '< 100', pass: rawDay < 100e6 } : {}) });
    if (sim instanceof SyntheticFleet) {
      record({ section: 'sampler', metric: `${label}: its offsets' own randomness (estimate), MB/day`, value: mb((sim.noiseBits / 8 / ticks) * dayTicks), unit: 'MB' });
    }
    record({ section: 'sampler', metric: `${label}: raw bytes per group-partition sample`, value: Math.round(((raw - firstRaw) / (ticks - 1) / series) * 100) / 100, unit: 'B' });
    record({ section: 'sampler', metric: `${label}: raw file start (dictionary + full frame)`, value: mb(firstRaw), unit: 'MB' });
    // A day holds 1,440 minute frames and 24 hour frames (about as large: the same series), one
    // minute file start, and a seventh of an hour file's.
    const aggFrame = (minute.last - minute.first) / (minute.frames - 1);
    record({ section: 'sampler', metric: `${label}: minute + hour tiers, MB/day`, value: mb(aggFrame * (1440 + 24) + minute.first * (1 + 1 / 7)), unit: 'MB' });

    const to = t0 + ticks * o.intervalMs;
    const query = () => {
      const q0 = performance.now();
      const h = lagHistory(new HistoryStore(dir), lagHistoryInput.parse({ clusterId: 'bench', groupId: 'group-3', from: to - HOUR, to, points: 300 }), o.intervalMs, to);
      if (h.total.length === 0 || h.partitions.length !== o.partitions) throw new Error('1 h query returned no data');
      return performance.now() - q0;
    };
    const cold = query();
    const warm = Math.min(query(), query(), query());
    record({ section: 'sampler', metric: `${label}: one group, last hour, 300 pts (first / warm)`, value: Math.round(warm), unit: 'ms', target: `< 100 (first ${Math.round(cold)} ms)`, pass: warm < 100 && cold < 100 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Seven days of the minute and hour tiers written directly (a week of 5 s sampling would take
 * too long to simulate), every series changing every minute, then one group's 7 d query.
 */
async function weekQuery(record: Record, o: { groups: number; partitions: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-sampler-week-'));
  try {
    const store = new HistoryStore(dir, 10 * 1024 ** 3);
    const c = store.cluster('bench');
    const sim = new SyntheticCluster(o.groups, o.partitions, 60_000, 'varied');
    const now = Math.floor(Date.UTC(2030, 0, 8) / HOUR) * HOUR;
    const keys = sim.parts.map((parts, g) => ({
      tp: parts.map((_, i) => topicPartitionKey(`topic-${g}`, i)),
      gp: parts.map((_, i) => groupPartitionKey(`group-${g}`, `topic-${g}`, i)),
      tt: topicTotalKey(`topic-${g}`),
      gt: groupTotalKey(`group-${g}`),
    }));
    const entries = (mins: number): Array<[string, number[]]> => {
      const out: Array<[string, number[]]> = [];
      sim.parts.forEach((parts, g) => {
        let end = 0;
        let lag = 0;
        parts.forEach((p, i) => {
          const l = p.end - p.committed;
          end += p.end;
          lag += l;
          out.push([keys[g]!.tp[i]!, [p.end, 0, Math.round(p.rate * 1000 * mins) + 1]]);
          out.push([keys[g]!.gp[i]!, [p.committed + 1, l + 1, l + 1, l * 100 + 1, p.end + 1]]);
        });
        out.push([keys[g]!.tt, [end, 0, 1]], [keys[g]!.gt, [lag + 1, lag + 1, lag * 100 + 1]]);
      });
      return out;
    };
    const from = now - (Number(process.env.WEEK_DAYS) || 7) * DAY;
    const w0 = performance.now();
    for (let t = from; t < now; t += 60_000) {
      sim.advance();
      c.append('minute', t, entries(1));
      if (t % HOUR === 0) c.append('hour', t, entries(60));
    }
    const writeMs = performance.now() - w0;
    const days = (now - from) / DAY;
    const minuteBytes = c.files('minute').reduce((n, f) => n + f.bytes, 0);
    store.close();
    const query = (days: number, tier: string) => {
      const q0 = performance.now();
      const h = lagHistory(new HistoryStore(dir), lagHistoryInput.parse({ clusterId: 'bench', groupId: 'group-3', from: now - days * DAY, to: now, points: 300 }), 5_000, now);
      if (h.resolution !== tier || h.total.length < Math.min(150, days * 24)) throw new Error(`${days} d query: ${h.resolution}, ${h.total.length} points`);
      return performance.now() - q0;
    };
    for (const [d, tier] of [[1, 'minute'], [days, 'hour']] as const) {
      const cold = query(d, tier);
      const warm = Math.min(query(d, tier), query(d, tier), query(d, tier));
      // The first call per process reads and checksums whole files (a day of the minute tier is
      // about 40 MB here) and compiles the decoder; it is reported, the target is on warm calls.
      record({ section: 'sampler', metric: `one group, last ${d} d (${tier} tier), 300 pts (warm; first)`, value: Math.round(warm), unit: 'ms', target: `< 100 warm (first ${Math.round(cold)} ms)`, pass: warm < 100 });
    }
    record({ section: 'sampler', metric: `  minute tier, all active (varied), MB/day`, value: mb(minuteBytes / days), unit: 'MB' });
    record({ section: 'sampler', metric: `  (setup: ${days} d of minute + hour tiers written in)`, value: Math.round(writeMs), unit: 'ms' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSamplerSynthetic(record: Record, scale = 1, parts = new Set(['fleet', 'idle90', 'fleet1', 'varied', 'drift', 'steady', 'everyTick', 'week'])): Promise<void> {
  const o = { groups: Math.max(10, Math.round(1000 * scale)), partitions: 10, intervalMs: 5_000, minutes: 10 };
  process.stdout.write(`  sampler: ${o.groups} groups × ${o.partitions} partitions (+ their topics' partitions), every ${o.intervalMs} ms, ${o.minutes} min simulated\n`);
  const scenarios: Array<[Scenario, string, boolean]> = [
    ['fleet', 'fleet: 5 groups per topic, mixed consumers', true],
    ['idle90', '10 % of groups active', true],
    ['fleet1', 'stress: the fleet with 1 group per topic', false],
    ['varied', 'stress: all active, varied rates', false],
    ['drift', 'stress: all active, drifting rates + noise + bursts', false],
    ['steady', 'stress: all active, steady rates', false],
    ['everyTick', 'stress: all moving every tick (worst)', false],
  ];
  for (const [name, label, judged] of scenarios) if (parts.has(name)) await scenario(record, o, name, label, judged);
  if (parts.has('week')) await weekQuery(record, o);
}

/**
 * The live path: takeSnapshot (Metadata, ListOffsets, ListGroups, one batched FindCoordinator
 * and one OffsetFetch v8 per coordinator, DescribeLogDirs) + sample + write, against a 3-broker
 * sandbox in its own process, with a producer moving every partition between ticks. CPU is this
 * process's only.
 */
export async function benchSamplerLive(record: Record, scale = 1): Promise<void> {
  const groups = Math.max(10, Math.round(200 * scale));
  const topics = Math.max(1, Math.round(groups / 10));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-sampler-live-'));
  const port = 31_000 + Math.floor(Math.random() * 8_000);
  const sandbox = await startSandboxProcess(path.join(dir, 'data'), port);
  const k = new kafkajs.Kafka({ clientId: 'sampler-bench', brokers: sandbox.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const admin = k.admin();
  const producer = k.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const adapter = new KafkaAdapter({ bootstrapServers: sandbox.bootstrap.split(','), connectionTimeoutMs: 5_000, requestTimeoutMs: 15_000 });
  const store = new HistoryStore(path.join(dir, 'history'));
  try {
    await admin.connect();
    await producer.connect();
    const names = Array.from({ length: topics }, (_, i) => `live-${i}`);
    await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: 10, replicationFactor: 1 })) });
    const produce = () => producer.sendBatch({ topicMessages: names.map((topic) => ({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ partition: i % 10, value: `m${i}` })) })) });
    await produce();
    const t0 = performance.now();
    const ids = Array.from({ length: groups }, (_, i) => `live-group-${i}`);
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map((groupId, j) =>
        admin.setOffsets({ groupId, topic: names[(i + j) % topics]!, partitions: Array.from({ length: 10 }, (_, p) => ({ partition: p, offset: String((i + j + p) % 5) })) }),
      ));
    }
    record({ section: 'sampler-live', metric: `setup: ${groups} groups × 10 partitions on ${topics} topics`, value: Math.round(performance.now() - t0), unit: 'ms' });

    const sampler = new LagSampler({ clusterIds: () => ['live'], adapter: () => adapter }, store, 5_000);
    await sampler.tickAll(); // connections, metadata and the first full frame
    const ticks = 10;
    let cpu = 0;
    let wall = 0;
    for (let i = 0; i < ticks; i++) {
      await produce();
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      await sampler.tickAll();
      wall += performance.now() - w0;
      const c1 = process.cpuUsage(c0);
      cpu += (c1.user + c1.system) / 1000;
    }
    const st = sampler.status()[0]!;
    if (st.lastError || st.groups !== groups) throw new Error(`live sampler: ${st.groups} groups, ${st.lastError}`);
    const share = (cpu / ticks / 5_000) * 100;
    record({ section: 'sampler-live', metric: `${groups} groups × 10 partitions: CPU per tick`, value: Math.round(cpu / ticks), unit: 'ms' });
    record({ section: 'sampler-live', metric: `${groups} groups × 10 partitions: CPU share of one core at 5 s`, value: Math.round(share * 100) / 100, unit: '%', target: '< 5', pass: share < 5 });
    record({ section: 'sampler-live', metric: `${groups} groups × 10 partitions: wall time per tick`, value: Math.round(wall / ticks), unit: 'ms', target: '< 5000', pass: wall / ticks < 5_000 });
    await sampler.close();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await adapter.close().catch(() => undefined);
    store.close();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
