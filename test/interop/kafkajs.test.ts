// kafkajs 2.2.4 (the client the console ships) against a fresh 3-broker embedded cluster:
// topic admin, configs, offsets, record deletion, and producing with every codec. kafkajs
// has no assign(), so produced records are read back group-less with our own Fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readTopic } from '../helpers/raw-consume.js';
import { registerCompressionCodecs } from '../../electron/services/compression-codecs.js';
import { interopReplicationFactor } from './support.js';

let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let RF = 3;

beforeAll(async () => {
  await registerCompressionCodecs();
  cluster = await startTestCluster();
  RF = await interopReplicationFactor(cluster.bootstrap);
  kafka = new Kafka({ clientId: 'keel-interop', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
}, 30_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await admin?.disconnect().catch(() => {});
  await cluster?.destroy();
});

describe('kafkajs admin', () => {
  it('creates, describes and deletes topics', async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'kj-admin-a', numPartitions: 3, replicationFactor: RF },
        { topic: 'kj-admin-b', numPartitions: 1, replicationFactor: Math.min(RF, 2), configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    expect(created).toBe(true);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['kj-admin-a', 'kj-admin-b']));
    const { topics } = await admin.fetchTopicMetadata({ topics: ['kj-admin-a', 'kj-admin-b'] });
    const a = topics.find((t) => t.name === 'kj-admin-a')!;
    expect(a.partitions).toHaveLength(3);
    for (const p of a.partitions) {
      expect(p.replicas).toHaveLength(RF);
      expect(p.isr).toHaveLength(RF);
      expect(p.replicas).toContain(p.leader);
    }
    expect(topics.find((t) => t.name === 'kj-admin-b')!.partitions[0]!.replicas).toHaveLength(Math.min(RF, 2));

    // Creating an existing topic is refused with TOPIC_ALREADY_EXISTS (kafkajs returns false).
    expect(await admin.createTopics({ topics: [{ topic: 'kj-admin-a', numPartitions: 1 }] })).toBe(false);

    await admin.deleteTopics({ topics: ['kj-admin-b'], timeout: 5000 });
    const after = await admin.listTopics();
    expect(after).toContain('kj-admin-a');
    expect(after).not.toContain('kj-admin-b');
  });

  it('adds partitions', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-grow', numPartitions: 2, replicationFactor: RF }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'kj-grow', count: 5 }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: ['kj-grow'] });
    expect(topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);
    // Shrinking is invalid.
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kj-grow', count: 3 }] })).rejects.toThrow();
  });

  it('describes and alters topic configs', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-config', numPartitions: 1, replicationFactor: RF }] });
    const TOPIC = 2; // ConfigResourceTypes.TOPIC
    const describe = async () => {
      const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: 'kj-config' }] });
      return new Map(res.resources[0]!.configEntries.map((e) => [e.configName, e]));
    };
    const before = await describe();
    expect(before.get('retention.ms')).toBeDefined();
    expect(before.get('cleanup.policy')!.configValue).toBe('delete');

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: 'kj-config', configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
    const after = await describe();
    expect(after.get('retention.ms')!.configValue).toBe('3600000');
    expect(after.get('retention.ms')!.isDefault).toBe(false);

    // A broker resource answers too.
    const broker = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '1' }] });
    expect(broker.resources[0]!.configEntries.length).toBeGreaterThan(0);
  });

  it('fetches offsets, offsets by timestamp, and deletes records', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-offsets', numPartitions: 2, replicationFactor: RF }] });
    const base = Date.now() - 60_000;
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: String(base + i * 1000) }));
    await producer.send({ topic: 'kj-offsets', acks: -1, messages });

    const offsets = await admin.fetchTopicOffsets('kj-offsets');
    const p0 = offsets.find((o) => o.partition === 0)!;
    const p1 = offsets.find((o) => o.partition === 1)!;
    expect([p0.low, p0.high]).toEqual(['0', '10']);
    expect([p1.low, p1.high]).toEqual(['0', '0']);

    // The earliest offset whose timestamp is >= the target.
    const byTime = await admin.fetchTopicOffsetsByTimestamp('kj-offsets', base + 4500);
    expect(byTime.find((o) => o.partition === 0)!.offset).toBe('5');
    // Past every timestamp: Kafka answers -1 and kafkajs maps that to the end offset.
    const late = await admin.fetchTopicOffsetsByTimestamp('kj-offsets', Date.now() + 3_600_000);
    expect(late.find((o) => o.partition === 0)!.offset).toBe('10');

    await admin.deleteTopicRecords({ topic: 'kj-offsets', partitions: [{ partition: 0, offset: '4' }] });
    const trimmed = await admin.fetchTopicOffsets('kj-offsets');
    expect(trimmed.find((o) => o.partition === 0)!.low).toBe('4');
    const remaining = await readTopic(cluster.bootstrap, 'kj-offsets', [0]);
    expect(remaining.map((r) => r.value!.toString())).toEqual(['v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
  });
});

describe('kafkajs producer', () => {
  const codecs = [
    ['none', CompressionTypes.None, 0],
    ['gzip', CompressionTypes.GZIP, 1],
    ['snappy', CompressionTypes.Snappy, 2],
    ['lz4', CompressionTypes.LZ4, 3],
    ['zstd', CompressionTypes.ZSTD, 4],
  ] as const;

  it.each(codecs)('produces %s-compressed batches that read back unchanged', async (name, compression, codecId) => {
    const topic = `kj-codec-${name}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: RF }] });
    const messages = Array.from({ length: 60 }, (_, i) => ({
      key: `key-${i % 7}`,
      value: `${name} value ${i} ${'x'.repeat(i * 3)}`,
      headers: { n: String(i), codec: name },
    }));
    // Several sends, so each partition holds more than one batch.
    for (let i = 0; i < messages.length; i += 20) {
      const res = await producer.send({ topic, acks: -1, compression, messages: messages.slice(i, i + 20) });
      for (const r of res) expect(r.errorCode).toBe(0);
    }
    const read = await readTopic(cluster.bootstrap, topic);
    expect(read).toHaveLength(messages.length);
    for (const r of read) expect(r.compression).toBe(codecId);
    const got = read.map((r) => ({ key: r.key!.toString(), value: r.value!.toString(), headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value!.toString()])) }));
    const sortByN = (a: { headers: Record<string, string> }, b: { headers: Record<string, string> }) => Number(a.headers.n) - Number(b.headers.n);
    expect(got.sort(sortByN)).toEqual(messages);
    // Same key, same partition.
    const partitionOf = new Map<string, Set<number>>();
    for (const r of read) {
      const k = r.key!.toString();
      if (!partitionOf.has(k)) partitionOf.set(k, new Set());
      partitionOf.get(k)!.add(r.partition);
    }
    for (const parts of partitionOf.values()) expect(parts.size).toBe(1);
    // Offsets within a partition are dense from 0.
    for (const p of [0, 1, 2]) {
      const offs = read.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offs).toEqual(offs.map((_, i) => i));
    }
  });

  it('gets UNKNOWN_TOPIC_OR_PARTITION for a missing topic when auto-creation is off', async () => {
    const strict = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await strict.connect();
    try {
      await expect(strict.send({ topic: 'kj-missing-topic', messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await strict.disconnect();
    }
  });
});
