// kafkajs idempotent producer (InitProducerId + sequences) against a fresh 3-broker cluster,
// with produce responses dropped (the client retries batches the broker already wrote) and a
// leader move mid-stream (the new leader must de-duplicate from replicated producer state).
// Every partition is then read back raw: each message exactly once, none missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readTopic } from '../helpers/raw-consume.js';
import { partitionLeaders } from '../helpers/raw-consume.js';

let cluster: TestCluster;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  cluster = await startTestCluster();
  kafka = new Kafka({ clientId: 'keel-eos', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'eos-idem', numPartitions: 3, replicationFactor: 3 }] });
  await admin.disconnect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
}, 30_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await cluster?.destroy();
});

async function sendRange(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10) {
    const messages = [];
    for (let j = i; j < Math.min(i + 10, to); j++) messages.push({ key: `k${j % 7}`, value: `m${j}`, partition: j % 3 });
    await producer.send({ topic: 'eos-idem', acks: -1, messages });
  }
}

function nodeIdOf(address: string): number {
  return cluster.bootstrap.indexOf(address) + 1;
}

describe('kafkajs idempotent producer', () => {
  it('writes each message exactly once through dropped responses and a leader move', async () => {
    await sendRange(0, 60);
    // The broker appends, then drops the connection: kafkajs resends the same batch (same sequence).
    cluster.control.injectFault({ apiKey: 0, dropResponse: true, count: 2 });
    await sendRange(60, 120);
    const { leaders } = await partitionLeaders(cluster.bootstrap, 'eos-idem');
    for (const [p, leader] of leaders) {
      const current = nodeIdOf(leader);
      cluster.control.moveLeader('eos-idem', p, (current % 3) + 1);
    }
    // A retry right after the move reaches the new leader, which knows the sequences from replication.
    cluster.control.injectFault({ apiKey: 0, dropResponse: true, count: 2 });
    await sendRange(120, 200);

    const records = await readTopic(cluster.bootstrap, 'eos-idem');
    const values = records.map((r) => r.value!.toString());
    expect(values.length).toBe(200);
    expect(new Set(values).size).toBe(200);
    for (let p = 0; p < 3; p++) {
      const inPartition = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(1)));
      expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b));
      expect(inPartition.every((n) => n % 3 === p)).toBe(true);
    }
  }, 60_000);
});
