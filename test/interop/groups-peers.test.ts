// Group consumers of other clients: kafka-python (old fixed API versions) and kcat -G
// (librdkafka's balanced consumer) each read every message once and resume from the
// offsets they committed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { executableCheck, KCAT, pythonModuleCheck, requirePeer, SYSTEM_PYTHON } from '../helpers/peers.js';
import { killChildren, runOk } from '../helpers/child-process.js';
import type { TestCluster } from '../helpers/embedded-cluster.js';
import { kafkaFor, startGroupCluster } from './groups-support.js';

const kafkaPython = requirePeer('python3-kafka', pythonModuleCheck('kafka'));
const kcat = requirePeer('kcat', executableCheck(KCAT, ['-V']));
const SCRIPT = new URL('./python/group_consumer_kafka_python.py', import.meta.url).pathname;

let cluster: TestCluster;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startGroupCluster();
  kafka = kafkaFor(cluster);
}, 30_000);

afterEach(() => killChildren());
afterAll(async () => {
  killChildren();
  await cluster?.destroy();
});

async function topicWith(topic: string, partitions: number, count: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  await admin.disconnect();
  await produce(topic, 0, count);
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` })) });
  await producer.disconnect();
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m${from + i}`).sort();

async function committed(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return t!.partitions.reduce((s, p) => s + Math.max(Number(p.offset), 0), 0);
  } finally {
    await admin.disconnect();
  }
}

describe.skipIf(!kafkaPython.available)('kafka-python group consumer', () => {
  it('reads every message once and resumes from its commits', async () => {
    await topicWith('kp-grp', 3, 30);
    const bootstrap = cluster.bootstrap.join(',');
    const first = JSON.parse((await runOk(SYSTEM_PYTHON, [SCRIPT, bootstrap, 'kp-group', 'kp-grp', '30'], { timeoutMs: 40_000 })).stdout);
    expect([...first.values].sort()).toEqual(range(0, 30));
    expect(first.partitions).toEqual([0, 1, 2]);
    expect(await committed('kp-group', 'kp-grp')).toBe(30);
    await produce('kp-grp', 30, 10);
    const second = JSON.parse((await runOk(SYSTEM_PYTHON, [SCRIPT, bootstrap, 'kp-group', 'kp-grp', '10'], { timeoutMs: 40_000 })).stdout);
    expect([...second.values].sort()).toEqual(range(30, 10));
  }, 60_000);
});

describe.skipIf(!kcat.available)('kcat -G balanced consumer', () => {
  it('reads every message once and resumes from its commits', async () => {
    await topicWith('kc-grp', 3, 30);
    const args = (count: number) => ['-b', cluster.bootstrap.join(','), '-X', 'broker.address.family=v4', '-G', 'kc-group', 'kc-grp', '-X', 'auto.offset.reset=earliest', '-c', String(count), '-f', '%s\\n', '-q'];
    const first = await runOk(KCAT, args(30), { timeoutMs: 30_000 });
    expect(first.stdout.trim().split('\n').sort()).toEqual(range(0, 30));
    // kcat commits automatically (enable.auto.commit) and once more when it closes; -o would
    // override the committed position on every assignment, so auto.offset.reset is used instead.
    expect(await committed('kc-group', 'kc-grp')).toBe(30);
    await produce('kc-grp', 30, 10);
    const second = await runOk(KCAT, args(10), { timeoutMs: 30_000 });
    expect(second.stdout.trim().split('\n').sort()).toEqual(range(30, 10));
  }, 60_000);
});
