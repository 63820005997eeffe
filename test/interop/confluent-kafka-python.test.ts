// confluent-kafka-python 1.7 (librdkafka 2.0.2) against a fresh 3-broker cluster:
// AdminClient create_topics, an acks=all non-idempotent snappy Producer with keyed
// messages, and a Consumer that assign()s every partition and polls everything back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { pythonModuleCheck, requirePeer } from '../helpers/peers.js';
import { killChildren } from '../helpers/child-process.js';
import { readTopic } from '../helpers/raw-consume.js';
import { interopReplicationFactor } from './support.js';
import { runPythonPeer } from './python-peers.js';

const peer = requirePeer('python3-confluent-kafka', pythonModuleCheck('confluent_kafka'));

interface Delivery {
  key: string;
  value: string;
  partition: number;
  offset: number;
}

describe.skipIf(!peer.available)('confluent-kafka-python', () => {
  let cluster: TestCluster;
  let bootstrap: string;
  let RF = 3;
  const py = <T = any>(...args: string[]) => runPythonPeer<T>('confluent_client.py', [bootstrap, ...args]);

  beforeAll(async () => {
    cluster = await startTestCluster();
    bootstrap = cluster.bootstrap.join(',');
    RF = await interopReplicationFactor(cluster.bootstrap);
  }, 30_000);
  afterEach(() => killChildren());
  afterAll(async () => {
    killChildren();
    await cluster?.destroy();
  });

  it('creates a topic, produces keyed snappy batches with acks=all, and reads them back with assign+poll', async () => {
    const topic = 'ckp-keyed';
    const created = await py<{ brokers: number[]; partitions: Record<string, { leader: number; replicas: number[]; isrs: number[] }> }>('create', topic, '4', String(RF));
    expect(created.brokers).toEqual([1, 2, 3]);
    expect(Object.keys(created.partitions).sort()).toEqual(['0', '1', '2', '3']);
    for (const p of Object.values(created.partitions)) {
      expect(p.replicas).toHaveLength(RF);
      expect(p.isrs).toHaveLength(RF);
    }

    const first = await py<{ deliveries: Delivery[] }>('produce', topic, '45', 'run1');
    // A second process: the same keys must land in the same partitions (librdkafka's
    // consistent_random partitioner hashes the key; nothing in it is per-process).
    const second = await py<{ deliveries: Delivery[] }>('produce', topic, '45', 'run2');
    expect(first.deliveries).toHaveLength(45);
    expect(second.deliveries).toHaveLength(45);
    const partitionOfKey = new Map<string, number>();
    for (const d of [...first.deliveries, ...second.deliveries]) {
      const seen = partitionOfKey.get(d.key);
      if (seen === undefined) partitionOfKey.set(d.key, d.partition);
      else expect(d.partition, `key ${d.key}`).toBe(seen);
    }
    expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);

    const consumed = await py<{ messages: Delivery[]; complete: boolean }>('consume', topic, '90');
    expect(consumed.complete).toBe(true);
    const sent = [...first.deliveries, ...second.deliveries];
    const asKey = (d: Delivery) => `${d.partition}/${d.offset}/${d.key}/${d.value}`;
    expect(consumed.messages.map(asKey).sort()).toEqual(sent.map(asKey).sort());

    // Stored as snappy batches, readable by our own decoder too. librdkafka sends a batch
    // uncompressed when snappy would make it larger (tiny batches), so 0 may appear as well.
    const raw = await readTopic(cluster.bootstrap, topic);
    expect(raw).toHaveLength(90);
    const codecs = new Set(raw.map((r) => r.compression));
    expect(codecs.has(2)).toBe(true);
    expect([...codecs].every((c) => c === 0 || c === 2)).toBe(true);
  });
});
