// acks semantics under replica loss (issue 3): with two of three brokers stopped, acks=all
// is refused with NOT_ENOUGH_REPLICAS and nothing is appended, acks=1 to the living leader
// still succeeds, and data below the high watermark stays readable. A follower cut off
// while an acks=all write waits turns the answer into NOT_ENOUGH_REPLICAS_AFTER_APPEND.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readPartition } from '../helpers/raw-consume.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import { createTopic, metadataView, produceTo, waitFor } from '../helpers/replication.js';

const { Kafka, logLevel } = kafkajs;
const TOPIC = 'rep-acks';
const LAG_MS = 1500;

let cluster: TestCluster;
const addr = (id: number) => cluster.bootstrap[id - 1]!;
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i % 3}`, value: `${prefix}-${i}` }));

beforeAll(async () => {
  cluster = await startTestCluster({ config: { 'replica.lag.time.max.ms': String(LAG_MS) } });
  await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 3, assignments: [[1, 2, 3], [2, 3, 1], [3, 1, 2]], configs: { 'min.insync.replicas': '2' } });
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
});

describe('acks with two of three brokers stopped', () => {
  it('acks=all is acknowledged while the ISR is full', async () => {
    for (let p = 0; p < 3; p++) {
      const r = await produceTo(cluster.bootstrap, TOPIC, p, -1, values(`before-${p}`, 10));
      expect(r.errorCode).toBe(ErrorCode.NONE);
      expect(r.baseOffset).toBe(0);
    }
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS, appends nothing, and still takes acks=1', async () => {
    await cluster.control.stopBroker(2);
    await cluster.control.stopBroker(3);
    const md = await metadataView(addr(1), TOPIC);
    for (const p of md.partitions) {
      expect(p.leader).toBe(1);
      expect(p.isr).toEqual([1]);
      expect(p.offline.sort()).toEqual([2, 3]);
    }
    for (let p = 0; p < 3; p++) {
      const refused = await produceTo([addr(1)], TOPIC, p, -1, values(`refused-${p}`, 5));
      expect(refused.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
      // Refused before the append: the next write lands right after the acknowledged ten.
      const one = await produceTo([addr(1)], TOPIC, p, 1, values(`acks1-${p}`, 2));
      expect(one.errorCode).toBe(ErrorCode.NONE);
      expect(one.baseOffset).toBe(10);
    }
  });

  it('a kafkajs acks=-1 producer gets the error instead of a silent success', async () => {
    const kafka = new Kafka({ brokers: [addr(1)], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const err = await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, key: 'x', value: 'kafkajs-refused' }] }).then(
        () => null,
        (e: any) => e,
      );
      expect(err).not.toBeNull();
      const cause = JSON.stringify({ name: err.name, type: err.type, message: err.message, original: err.originalError?.type });
      expect(cause).toMatch(/NOT_ENOUGH_REPLICAS|not enough|in-sync replicas/i);
      const [ok] = await producer.send({ topic: TOPIC, acks: 1, messages: [{ partition: 0, key: 'x', value: 'kafkajs-acks1' }] });
      expect(ok!.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });

  it('reads below the high watermark keep working on the surviving broker', async () => {
    for (let p = 0; p < 3; p++) {
      const records = await readPartition(addr(1), TOPIC, p);
      const got = records.map((r) => r.value!.toString());
      expect(got.slice(0, 10)).toEqual(values(`before-${p}`, 10).map((v) => v.value));
      expect(got.slice(10, 12)).toEqual([`acks1-${p}-0`, `acks1-${p}-1`]);
      expect(got.some((v) => v.startsWith('refused') || v === 'kafkajs-refused')).toBe(false);
    }
  });

  it('after restart the brokers rejoin and acks=all works again', async () => {
    await cluster.control.startBroker(2);
    await cluster.control.startBroker(3);
    await waitFor(async () => (await metadataView(addr(1), TOPIC)).partitions.every((p) => p.isr.length === 3), 10_000, 'ISR back to three');
    const r = await produceTo(cluster.bootstrap, TOPIC, 1, -1, values('after', 3));
    expect(r.errorCode).toBe(ErrorCode.NONE);
  });
});

describe('ISR shrinking while an acks=all write waits', () => {
  it('answers NOT_ENOUGH_REPLICAS_AFTER_APPEND once the lagging followers leave the ISR', async () => {
    await waitFor(async () => (await metadataView(addr(1), TOPIC)).partitions[0]!.leader === 1, 10_000, 'preferred leader 1 back on partition 0');
    cluster.control.isolateBroker(2, true);
    cluster.control.isolateBroker(3, true);
    try {
      const started = Date.now();
      const r = await produceTo(cluster.bootstrap, TOPIC, 0, -1, values('after-append', 1), 15_000);
      expect(r.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
      // The answer waited for the lag limit, not for the request timeout.
      expect(Date.now() - started).toBeGreaterThanOrEqual(LAG_MS - 200);
      expect(Date.now() - started).toBeLessThan(10_000);
      const md = await metadataView(addr(1), TOPIC);
      expect(md.partitions[0]!.isr).toEqual([1]);
    } finally {
      cluster.control.isolateBroker(2, false);
      cluster.control.isolateBroker(3, false);
    }
    await waitFor(async () => (await metadataView(addr(1), TOPIC)).partitions[0]!.isr.length === 3, 10_000, 'healed followers rejoin the ISR');
  });
});
