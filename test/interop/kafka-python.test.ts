// kafka-python 2.0.2 against a fresh 3-broker cluster: it guesses the broker version from
// ApiVersions and then uses fixed request versions, so this checks that the guess is a
// modern one (not a fallback to 0.x message formats) and that a producer plus a group-less
// consumer (assign + seek_to_beginning) round-trip keyed records.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { pythonModuleCheck, requirePeer } from '../helpers/peers.js';
import { killChildren } from '../helpers/child-process.js';
import { readTopic } from '../helpers/raw-consume.js';
import { interopReplicationFactor } from './support.js';
import { runPythonPeer } from './python-peers.js';

const { Kafka, logLevel } = kafkajs;
const peer = requirePeer('python3-kafka', pythonModuleCheck('kafka'));

interface Delivery {
  key: string;
  value: string;
  partition: number;
  offset: number;
}

describe.skipIf(!peer.available)('kafka-python', () => {
  let cluster: TestCluster;
  let bootstrap: string;
  let admin: kafkajs.Admin;
  const py = <T = any>(...args: string[]) => runPythonPeer<T>('kafka_python_client.py', [bootstrap, ...args]);

  beforeAll(async () => {
    cluster = await startTestCluster();
    bootstrap = cluster.bootstrap.join(',');
    const RF = await interopReplicationFactor(cluster.bootstrap);
    admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: ['kpy-plain', 'kpy-gzip'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: RF })),
    });
  }, 30_000);
  afterEach(() => killChildren());
  afterAll(async () => {
    killChildren();
    await admin?.disconnect().catch(() => {});
    await cluster?.destroy();
  });

  it('auto-detects a modern broker version from ApiVersions', async () => {
    // kafka-python 2.0.2 tops out at 2.5 (which it detects by DescribeAcls v2, an API the
    // sandbox does not serve); 2.4 means it found Produce v8 and uses record batch v2.
    const { version } = await py<{ version: number[] }>('version');
    expect([[2, 4, 0], [2, 5, 0]]).toContainEqual(version);
  });

  it.each(['none', 'gzip'])('produces keyed records (%s) and reads them back with assign + seek_to_beginning', async (codec) => {
    const topic = codec === 'none' ? 'kpy-plain' : 'kpy-gzip';
    const produced = await py<{ deliveries: Delivery[] }>('produce', topic, '40', codec);
    expect(produced.deliveries).toHaveLength(40);
    const partitionOfKey = new Map<string, number>();
    for (const d of produced.deliveries) {
      const seen = partitionOfKey.get(d.key);
      if (seen === undefined) partitionOfKey.set(d.key, d.partition);
      else expect(d.partition, `key ${d.key}`).toBe(seen);
    }

    const consumed = await py<{ messages: Delivery[]; complete: boolean }>('consume', topic);
    expect(consumed.complete).toBe(true);
    const asKey = (d: Delivery) => `${d.partition}/${d.offset}/${d.key}/${d.value}`;
    expect(consumed.messages.map(asKey).sort()).toEqual(produced.deliveries.map(asKey).sort());

    const raw = await readTopic(cluster.bootstrap, topic);
    expect(raw).toHaveLength(40);
    expect(new Set(raw.map((r) => r.compression))).toEqual(new Set([codec === 'gzip' ? 1 : 0]));
  });
});
