// connections.max.idle.ms: the broker closes a connection that has been silent that long, but
// never one with a request in progress (a long-poll fetch waiting longer than the limit), and
// clients simply reconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';

const IDLE_MS = 400;
const TOPIC = 'idle-topic';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1, config: { 'connections.max.idle.ms': String(IDLE_MS), 'auto.create.topics.enable': 'false' } });
  const admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }] });
  await admin.disconnect();
});

afterAll(async () => {
  await cluster?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with how long after the call the broker closed the client's socket (or null after `withinMs`). */
async function closedAfter(client: RawClient, withinMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < withinMs) {
    if (client.closed) return Date.now() - start;
    await sleep(20);
  }
  return null;
}

describe('connections.max.idle.ms', () => {
  it('closes a connection silent for the limit, between 1x and 1.25x of it (plus one check)', async () => {
    const client = await RawClient.connectTo(cluster.bootstrap[0]!);
    const after = await closedAfter(client, IDLE_MS * 4);
    expect(after).not.toBeNull();
    expect(after!).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(after!).toBeLessThan(IDLE_MS * 1.25 + IDLE_MS / 4 + 200);
  });

  it('keeps a connection that keeps talking, and one waiting on a long-poll fetch longer than the limit', async () => {
    const busy = await RawClient.connectTo(cluster.bootstrap[0]!);
    for (let i = 0; i < 8; i++) {
      const res = await busy.request(18, 0, {});
      expect(res.errorCode).toBe(0);
      await sleep(IDLE_MS / 2);
    }
    expect(busy.closed).toBe(false);
    busy.close();

    const polling = await RawClient.connectTo(cluster.bootstrap[0]!);
    const started = Date.now();
    const fetched = await polling.request(1, 11, {
      replicaId: -1,
      maxWaitMs: IDLE_MS * 3,
      minBytes: 1,
      maxBytes: 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1024 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS * 3 - 50);
    expect(fetched.responses[0].partitions[0].errorCode).toBe(0);
    // Answered, then silent: now it goes.
    expect(await closedAfter(polling, IDLE_MS * 4)).not.toBeNull();
  });

  it('a kafkajs producer idle past the limit reconnects and keeps producing', async () => {
    const producer = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, messages: [{ value: 'before' }] });
      await sleep(IDLE_MS * 2);
      const [res] = await producer.send({ topic: TOPIC, messages: [{ value: 'after' }] });
      expect(res!.errorCode).toBe(0);
      expect(Number(res!.baseOffset)).toBe(1);
    } finally {
      await producer.disconnect();
    }
  });
});
