// The console's own Fetch v5 decoding against kafkajs' decoding of the same bytes from a real
// broker: plain, gzip/snappy/lz4/zstd batches, headers (repeated keys), null keys and values,
// transaction markers (control records) and reads that start mid-batch.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaAdapter, type RawFetchPartition } from '../../electron/services/kafka-adapter.js';
import { registerCompressionCodecs } from '../../electron/services/compression-codecs.js';
import { fetchWithOwnCodec } from '../../electron/services/fetch-codec.js';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const TOPIC = 'codec';
let cluster: TestCluster;
let adapter: KafkaAdapter;

beforeAll(async () => {
  cluster = await startTestCluster();
  await registerCompressionCodecs();
  const kafka = new Kafka({ clientId: 'codec-test', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (const compression of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
    await producer.send({
      topic: TOPIC,
      compression,
      messages: [
        { key: `k-${compression}`, value: JSON.stringify({ compression, pad: 'p'.repeat(300) }), headers: { one: 'x', many: ['a', 'b'] }, timestamp: String(1_700_000_000_000 + compression) },
        { key: null, value: null },
        { key: 'ü', value: Buffer.from([0, 255, 1]) },
      ],
    });
  }
  await producer.disconnect();
  const tx = kafka.producer({ transactionalId: 'codec-tx', idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  const t = await tx.transaction();
  await t.send({ topic: TOPIC, messages: [{ value: 'in-tx' }] });
  await t.commit();
  await tx.disconnect();
  adapter = new KafkaAdapter({ bootstrapServers: cluster.bootstrap, connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 });
}, 60_000);
afterAll(async () => {
  await adapter?.close();
  await cluster?.destroy();
});

async function both(fetchOffset: string, maxBytes = 1024 * 1024) {
  const raw = await adapter.useTopics([TOPIC]);
  const leader = Object.keys(raw.findLeaderForPartitions(TOPIC, [0]))[0]!;
  const broker = await raw.findBroker({ nodeId: leader });
  const args = { isolationLevel: 0, maxWaitTime: 0, minBytes: 1, maxBytes: 50 * 1024 * 1024, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset, maxBytes }] }] };
  const ours = (await fetchWithOwnCodec(broker, args))!;
  const theirs = await broker.fetch({ replicaId: -1, ...args });
  const pick = (p: RawFetchPartition) => ({
    errorCode: p.errorCode,
    highWatermark: String(p.highWatermark),
    messages: p.messages.map((m) => ({
      offset: String(m.offset),
      timestamp: String(m.timestamp),
      key: m.key ? Buffer.from(m.key).toString('hex') : null,
      value: m.value ? Buffer.from(m.value).toString('hex') : null,
      headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => x.toString()) : v ? v.toString() : null])),
      control: Boolean(m.isControlRecord),
    })),
  });
  return { ours: pick(ours.responses[0]!.partitions[0]!), theirs: pick(theirs.responses[0]!.partitions[0] as RawFetchPartition), raw: ours };
}

describe('Fetch v5 codec', () => {
  it('decodes every batch the way kafkajs does', async () => {
    const { ours, theirs } = await both('0');
    expect(ours.messages.length).toBeGreaterThanOrEqual(16);
    expect(ours).toEqual(theirs);
    expect(ours.messages.filter((m) => m.control)).toHaveLength(1);
    expect(ours.messages[0]!.headers).toEqual({ one: 'x', many: ['a', 'b'] });
    expect(ours.messages[1]).toMatchObject({ key: null, value: null });
  });

  it('agrees when a read starts inside a compressed batch or is cut short by maxBytes', async () => {
    for (const offset of ['4', '7', '14']) {
      const { ours, theirs } = await both(offset);
      expect(ours).toEqual(theirs);
    }
    const { ours, theirs } = await both('0', 500);
    expect(ours.messages.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('reports the partition error and log start offset', async () => {
    const { raw } = await both('0');
    expect(raw.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, logStartOffset: '0' });
    // kafkajs throws on a partition error; ours returns it for record-fetch.ts to turn into KAFKA_ERROR.
    await expect(both('999')).rejects.toThrow(/not within the range/);
    const cluster = await adapter.useTopics([TOPIC]);
    const broker = await cluster.findBroker({ nodeId: Object.keys(cluster.findLeaderForPartitions(TOPIC, [0]))[0]! });
    const res = await fetchWithOwnCodec(broker, { isolationLevel: 0, maxWaitTime: 0, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: '999', maxBytes: 1 << 20 }] }] });
    expect(res!.responses[0]!.partitions[0]).toMatchObject({ errorCode: 1, messages: [] });
  });
});
