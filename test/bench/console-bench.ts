// `npm run bench:console`: the lag sampler's own cost at 1,000 groups x 10 partitions sampled
// every 5 s — CPU per tick (as a share of one core) and bytes written per day, before
// downsampling (raw tier) and after (minute + hour tiers), plus the time to serve one group's
// last hour. Snapshots are synthetic (what takeSnapshot would return) so the number is the
// sampler + store, not the Kafka round trips, which the cluster's own latency dominates.
//   --groups 1000 --partitions 10 --interval-ms 5000 --minutes 10
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lagHistoryInput } from '../../electron/contract/index.js';
import type { ClusterSnapshot } from '../../electron/services/lag-history/cluster-snapshot.js';
import { HistoryStore } from '../../electron/services/lag-history/history-store.js';
import { lagHistory } from '../../electron/services/lag-history/history-queries.js';
import { LagSampler } from '../../electron/services/lag-history/lag-sampler.js';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '10' },
    'interval-ms': { type: 'string', default: '5000' },
    minutes: { type: 'string', default: '10' },
  },
});
const GROUPS = Number(values.groups);
const PARTS = Number(values.partitions);
const INTERVAL = Number(values['interval-ms']);
const TICKS = Math.round((Number(values.minutes) * 60_000) / INTERVAL);
const DAY_TICKS = 86_400_000 / INTERVAL;

/** Deterministic PRNG so runs compare. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

interface Scenario {
  name: string;
  /** Share of groups whose producers and consumers move at all. */
  active: number;
}

async function run(s: Scenario) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-console-bench-'));
  const store = new HistoryStore(dir, 10 * 1024 ** 3);
  const sampler = new LagSampler({ clusterIds: () => [], adapter: () => { throw new Error('synthetic'); } }, store, INTERVAL).sampler('bench');
  const rand = rng(42);
  const t0 = Math.floor(Date.UTC(2030, 0, 1) / 3_600_000) * 3_600_000;
  // Per topic-partition: producer rate (msgs/s), consumer speed relative to it, offsets.
  const state = Array.from({ length: GROUPS }, (_, g) => {
    const active = g < GROUPS * s.active;
    return Array.from({ length: PARTS }, () => ({
      rate: active ? 5 + rand() * 200 : 0,
      speed: 0.8 + rand() * 0.4,
      end: Math.floor(rand() * 1e9),
      committed: 0,
    })).map((p) => ({ ...p, committed: p.end - Math.floor(rand() * 1000) }));
  });
  const snapshot = (t: number): ClusterSnapshot => ({
    t,
    brokers: 3,
    errors: [],
    topics: state.map((parts, g) => ({
      topic: `topic-${g}`,
      internal: false,
      partitions: parts.map((p, i) => ({ partition: i, leader: i % 3, replicas: 3, isr: 3, start: 0, end: p.end })),
    })),
    groups: state.map((parts, g) => ({
      groupId: `group-${g}`,
      state: 'Stable',
      members: 1,
      offsets: parts.map((p, i) => ({ topic: `topic-${g}`, partition: i, committed: p.committed, lag: Math.max(0, p.end - p.committed) })),
    })),
  });
  const advance = () => {
    for (const parts of state) {
      for (const p of parts) {
        if (p.rate === 0) continue;
        // Jittered production; the consumer commits what it managed, never past the end.
        p.end += Math.round(p.rate * (INTERVAL / 1000) * (0.7 + rand() * 0.6));
        p.committed = Math.min(p.end, p.committed + Math.round(p.rate * p.speed * (INTERVAL / 1000) * (0.7 + rand() * 0.6)));
      }
    }
  };

  let cpu = 0;
  let wall = 0;
  const bytesAt = (tier: string) => store.cluster('bench').files().filter((f) => f.tier === tier).reduce((n, f) => n + f.bytes, 0);
  for (let i = 0; i < TICKS; i++) {
    advance();
    const snap = snapshot(t0 + i * INTERVAL);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    // The same path as a live tick after takeSnapshot: sample building, time lag, raw write, aggregation.
    sampler.write(await sampler.toSample(null, snap));
    wall += performance.now() - w0;
    const c1 = process.cpuUsage(c0);
    cpu += (c1.user + c1.system) / 1000;
  }
  sampler.flush();
  const raw = bytesAt('raw');
  const minute = bytesAt('minute');
  const hour = bytesAt('hour');
  store.close();

  const q0 = performance.now();
  const h = lagHistory(new HistoryStore(dir), lagHistoryInput.parse({ clusterId: 'bench', groupId: 'group-0', from: t0, to: t0 + TICKS * INTERVAL, points: 300 }), INTERVAL, t0 + TICKS * INTERVAL);
  const queryMs = performance.now() - q0;
  fs.rmSync(dir, { recursive: true, force: true });

  const perTickCpu = cpu / TICKS;
  return {
    scenario: s.name,
    ticks: TICKS,
    'cpu ms/tick': perTickCpu.toFixed(1),
    'wall ms/tick': (wall / TICKS).toFixed(1),
    'cpu % of one core': ((perTickCpu / INTERVAL) * 100).toFixed(2),
    'raw MB/day': ((raw / TICKS) * DAY_TICKS / 1e6).toFixed(1),
    'raw bytes/partition-sample': (raw / TICKS / (GROUPS * PARTS)).toFixed(2),
    'minute+hour MB/day': (((minute + hour) / TICKS) * DAY_TICKS / 1e6).toFixed(1),
    'query 1h, 300 pts (ms)': queryMs.toFixed(0),
    points: h.total.length,
  };
}

process.stdout.write(`Lag sampler: ${GROUPS} groups x ${PARTS} partitions (+ ${GROUPS * PARTS} topic partitions), every ${INTERVAL} ms, ${TICKS} ticks\n`);
const rows = [await run({ name: 'all groups active', active: 1 }), await run({ name: '10% active', active: 0.1 })];
console.table(rows);
const worst = rows[0]!;
process.stdout.write(
  `targets: CPU < 5 % of one core -> ${Number(worst['cpu % of one core']) < 5 ? 'met' : 'MISSED'}; raw < 100 MB/day -> ${Number(worst['raw MB/day']) < 100 ? 'met' : 'MISSED'} (all groups active)\n`,
);
