// Lag history and Prometheus against the live sandbox through the web transport: a group that
// consumes slower than its producer shows rising lag in groups.lagHistory; throughput shows the
// producer's rate (and bytes/s from DescribeLogDirs sizes); /metrics parses and its kafka_consumergroup_lag equals groups.get's lag.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs, { type Consumer, type Producer } from 'kafkajs';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
let groupsSupported = false;
let sizesSupported = false;
const sb = 'sandbox';
const TOPIC = 'lag-topic';

/** Minimal parser for the Prometheus text format: name{labels} value. */
export function parsePrometheus(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

beforeAll(async () => {
  h = await startHarness({ metrics: { intervalMs: 250 } });
  const o = await h.api.call('clusters.overview', { clusterId: sb });
  const keys = new Set(o.version.apiVersions.map((a) => a.apiKey));
  groupsSupported = [8, 9, 10, 11, 14, 15, 16].every((k) => keys.has(k));
  sizesSupported = keys.has(35);
  await h.api.call('topics.create', { clusterId: sb, topic: TOPIC, partitions: 2, replicationFactor: 1 });
}, 60_000);
afterAll(async () => h?.close());

describe('lag history', () => {
  it('shows rising lag for a group slower than its producer, and the producer throughput', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    const kafka = new kafkajs.Kafka({ clientId: 'lag-test', brokers: h.services.sandbox.handle!.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
    const producer: Producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    const consumer: Consumer = kafka.consumer({ groupId: 'slow', sessionTimeout: 10_000, rebalanceTimeout: 5_000, maxBytesPerPartition: 200 });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let consumed = 0;
    await consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        consumed++;
        await new Promise((r) => setTimeout(r, 100)); // ~10 messages/s
      },
    });
    const started = Date.now();
    let produced = 0;
    try {
      await producer.send({ topic: TOPIC, messages: [{ key: 'first', value: 'first' }] });
      produced++;
      await waitFor(async () => consumed > 0, 20_000, 'first message consumed');
      // ~100 messages/s for 4 s against ~10/s consumed.
      while (Date.now() - started < 4_000 || produced < 200) {
        await producer.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${produced + i}` })) });
        produced += 10;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 600));
      const hist = await h.api.call('groups.lagHistory', { clusterId: sb, groupId: 'slow', from: started - 5_000, points: 500 });
      expect(hist.resolution).toBe('raw');
      expect(hist.sampleIntervalMs).toBe(250);
      const lags = hist.total.map((p) => p.lag).filter((l): l is number => l !== null);
      expect(lags.length).toBeGreaterThan(5);
      const third = Math.floor(lags.length / 3);
      const early = Math.max(...lags.slice(0, third));
      const late = Math.max(...lags.slice(-third));
      expect(late).toBeGreaterThan(early + 50);
      expect(hist.partitions.map((p) => p.partition).sort()).toEqual([0, 1]);
      const last = hist.partitions[0]!.points.at(-1)!;
      expect(last.logEndOffset! - last.committedOffset!).toBe(last.lag);
      expect(hist.total.at(-1)!.timeLagMs).toBeGreaterThan(0);

      const coarse = await h.api.call('groups.lagHistory', { clusterId: sb, groupId: 'slow', from: started - 5_000, points: 3, includePartitions: false });
      expect(coarse.total.length).toBeLessThanOrEqual(4);
      expect(Math.max(...coarse.total.map((p) => p.lag ?? 0))).toBe(Math.max(...lags));
      expect(coarse.partitions).toEqual([]);

      const tp = await h.api.call('topics.throughputHistory', { clusterId: sb, topic: TOPIC, from: started, points: 500 });
      const rates = tp.total.map((p) => p.messagesPerSec ?? 0);
      expect(Math.max(...rates)).toBeGreaterThan(30);
      if (sizesSupported) {
        // Partition sizes from DescribeLogDirs: bytes/s from their deltas.
        expect(tp.sizesAvailable).toBe(true);
        expect(Math.max(...tp.total.map((p) => p.bytesPerSec ?? 0))).toBeGreaterThan(30);
      } else expect(tp.total.every((p) => p.bytesPerSec === null)).toBe(true);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  it('keeps earlier points after a writer crash mid-record and a restart', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    const range = { clusterId: sb, groupId: 'slow', from: Date.now() - 60_000, points: 5_000 };
    const before = await h.api.call('groups.lagHistory', range);
    expect(before.total.length).toBeGreaterThan(5);
    // Crash: the writer stops without flushing, then the raw file loses the end of its last record.
    h.services.metrics.sampler.stop();
    await new Promise((r) => setTimeout(r, 300));
    h.services.metrics.store.close(); // its file handles die with the "crashed" writer; reopened lazily later
    const dir = path.join(h.dir, 'lag-history', 'sandbox');
    const raw = fs.readdirSync(dir).filter((n) => n.startsWith('raw-')).sort().at(-1)!;
    fs.truncateSync(path.join(dir, raw), fs.statSync(path.join(dir, raw)).size - 5);
    const afterCrash = await h.api.call('groups.lagHistory', { ...range, to: before.to });
    expect(afterCrash.total.length).toBeGreaterThanOrEqual(before.total.length - 1);
    expect(afterCrash.total.slice(0, -1)).toEqual(before.total.slice(0, afterCrash.total.length - 1));
    // Restart the sampler in a new store on the same folder: it cuts the torn tail and appends.
    const { MetricsService } = await import('../../electron/services/metrics/metrics-service.js');
    const restarted = new MetricsService({ userDataDir: h.dir, clusterIds: () => [sb], adapter: (id) => h.services.registry.adapter(id), overrides: { intervalMs: 250 } });
    await restarted.start();
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const later = restarted.lagHistory({ ...range, includePartitions: true });
      expect(later.total.length).toBeGreaterThan(afterCrash.total.length);
      // The same range as before (bucket width follows the range), now read by the new store.
      const same = restarted.lagHistory({ ...range, to: before.to, includePartitions: false });
      expect(same.total.slice(0, afterCrash.total.length - 1)).toEqual(afterCrash.total.slice(0, -1));
    } finally {
      await restarted.close();
    }
    h.services.metrics.store.close();
    h.services.metrics.sampler.start();
  });

  it('reports sampler status and updates settings', async () => {
    const s = await h.api.call('metrics.status', {});
    expect(s.sampler.running).toBe(true);
    expect(s.sampler.clusters.find((c) => c.clusterId === sb)?.lastSampleAt).toBeGreaterThan(0);
    expect(s.store.bytes).toBeGreaterThan(0);
    expect(s.prometheus).toMatchObject({ url: null, webPath: '/metrics' });
    const on = await h.api.call('metrics.updateSettings', { prometheus: { enabled: true, port: 0 } });
    expect(on.prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(on.prometheus.url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kafka_brokers{cluster="sandbox"} 3');
    const off = await h.api.call('metrics.updateSettings', { prometheus: { enabled: false } });
    expect(off.prometheus.url).toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(h.dir, 'metrics-settings.json'), 'utf8')).prometheus.enabled).toBe(false);
  });

  it('serves kafka_exporter metrics whose group lag equals the contract lag', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    // A stopped group: offsets frozen, so "the same moment" is well defined.
    await h.api.call('groups.resetOffsets', { clusterId: sb, groupId: 'frozen', topics: [{ topic: TOPIC }], strategy: { kind: 'offset', offset: '3' }, dryRun: false });
    const unauth = await fetch(`${h.server.url}/metrics`);
    expect(unauth.status).toBe(401);
    const res = await fetch(`${h.server.url}/metrics`, { headers: { authorization: `Bearer ${h.server.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheus(await res.text());
    const detail = await h.api.call('groups.get', { clusterId: sb, groupId: 'frozen' });
    const names = new Set(samples.map((s) => s.name));
    for (const n of [
      'kafka_brokers', 'kafka_topic_partitions', 'kafka_topic_partition_current_offset', 'kafka_topic_partition_oldest_offset',
      'kafka_topic_partition_in_sync_replica', 'kafka_topic_partition_under_replicated_partition', 'kafka_consumergroup_current_offset',
      'kafka_consumergroup_lag', 'kafka_consumergroup_lag_sum', 'kafka_consumergroup_members',
    ]) expect(names, n).toContain(n);
    const lagOf = (p: number) => samples.find((s) => s.name === 'kafka_consumergroup_lag' && s.labels.consumergroup === 'frozen' && s.labels.partition === String(p))?.value;
    for (const p of detail.partitions) expect(lagOf(p.partition)).toBe(p.lag);
    const sum = samples.find((s) => s.name === 'kafka_consumergroup_lag_sum' && s.labels.consumergroup === 'frozen' && s.labels.topic === TOPIC)?.value;
    expect(sum).toBe(detail.totalLag);
    expect(samples.find((s) => s.name === 'kafka_consumergroup_members' && s.labels.consumergroup === 'frozen')?.value).toBe(0);
    expect(samples.find((s) => s.name === 'kafka_topic_partitions' && s.labels.topic === TOPIC)).toMatchObject({ value: 2, labels: { cluster: sb } });
    const end0 = samples.find((s) => s.name === 'kafka_topic_partition_current_offset' && s.labels.topic === TOPIC && s.labels.partition === '0')?.value;
    expect(String(end0)).toBe(detail.partitions.find((p) => p.partition === 0)!.logEndOffset);
  });
});
