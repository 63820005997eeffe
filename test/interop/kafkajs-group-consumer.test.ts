// A kafkajs consumer in a group reading what other clients wrote: batches compressed by
// librdkafka (kcat: gzip, snappy, lz4, zstd), by @platformatic/kafka (lz4) and by kafkajs
// itself (zstd through the console's codecs), all in one topic. Proves the broker hands each
// client's batches to another client unchanged, and that the console's kafkajs codecs read
// every codec the peers write. Needs the group coordinator (FindCoordinator in the API table).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { KCAT, executableCheck, requirePeer } from '../helpers/peers.js';
import { killChildren, runOk } from '../helpers/child-process.js';
import { handlerFor } from '../../embedded-broker/apis/api-table.js';
import { registerCompressionCodecs } from '../../electron/services/compression-codecs.js';
import { interopReplicationFactor, withTimeout } from './support.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const groupsAvailable = handlerFor(10) !== undefined;
if (!groupsAvailable) process.stderr.write('kafkajs group consumer interop skipped: FindCoordinator is not in embedded-broker/apis/api-table.ts yet\n');
const kcat = requirePeer('kcat', executableCheck(KCAT, ['-V']));

describe.skipIf(!groupsAvailable || !kcat.available)('kafkajs group consumer reading other clients\' batches', () => {
  let cluster: TestCluster;
  let kafka: kafkajs.Kafka;
  const topic = 'kjg-mixed';

  beforeAll(async () => {
    await registerCompressionCodecs();
    cluster = await startTestCluster();
    const RF = await interopReplicationFactor(cluster.bootstrap);
    kafka = new Kafka({ clientId: 'keel-interop-group', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: RF }] });
    await admin.disconnect();
  }, 30_000);
  afterEach(() => killChildren());
  afterAll(async () => {
    killChildren();
    await cluster?.destroy();
  });

  it('consumes gzip/snappy/lz4/zstd batches from kcat, platformatic and kafkajs, each message once', async () => {
    const expected: string[] = [];
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const lines = Array.from({ length: 12 }, (_, i) => `kcat-${codec}-${i}:kcat ${codec} ${i} ${'q'.repeat(i * 6)}`);
      await runOk(KCAT, ['-b', cluster.bootstrap.join(','), '-P', '-t', topic, '-K', ':', '-z', codec, '-X', 'linger.ms=20'], { input: lines.join('\n') + '\n', timeoutMs: 20_000 });
      expected.push(...lines.map((l) => l.slice(l.indexOf(':') + 1)));
    }
    const platformatic = new PlatformaticProducer({ clientId: 'keel-interop-pk', bootstrapBrokers: cluster.bootstrap, serializers: stringSerializers, timeout: 10_000 });
    try {
      const messages = Array.from({ length: 12 }, (_, i) => ({ topic, key: `pk-${i}`, value: `platformatic lz4 ${i} ${'r'.repeat(i * 6)}` }));
      await platformatic.send({ acks: -1, compression: 'lz4', messages });
      expected.push(...messages.map((m) => m.value));
    } finally {
      await platformatic.close();
    }
    const producer = kafka.producer();
    await producer.connect();
    try {
      const messages = Array.from({ length: 12 }, (_, i) => ({ key: `kj-${i}`, value: `kafkajs zstd ${i} ${'s'.repeat(i * 6)}` }));
      await producer.send({ topic, acks: -1, compression: CompressionTypes.ZSTD, messages });
      expected.push(...messages.map((m) => m.value));
    } finally {
      await producer.disconnect();
    }

    const consumer = kafka.consumer({ groupId: 'kjg-readers', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    const received: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            received.push(message.value!.toString());
            if (received.length >= expected.length) resolve();
          },
        });
      });
      await withTimeout(done, 30_000, `reading ${expected.length} messages (got ${received.length})`);
    } finally {
      await consumer.disconnect();
    }
    expect(received.sort()).toEqual([...expected].sort());

    // The group committed what it read: no lag left.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: 'kjg-readers', topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      for (const p of committed!.partitions) expect(p.offset).toBe(ends.find((e) => e.partition === p.partition)!.high);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
