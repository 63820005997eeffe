// Shared bits of the consumer-group tests: a cluster tuned for quick group tests, and kafkajs
// consumers that record what they receive.
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';

/** Lets tests use short kafkajs session timeouts (Kafka's default minimum is 6 s). */
export const GROUP_TEST_CONFIG = { 'group.min.session.timeout.ms': '500' };

export function startGroupCluster(dataDir?: string): Promise<TestCluster> {
  return startTestCluster({ config: GROUP_TEST_CONFIG, ...(dataDir ? { dataDir } : {}) });
}

export function kafkaFor(cluster: { bootstrap: string[] }, clientId = 'keel-groups'): Kafka {
  return new Kafka({ clientId, brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 } });
}

export interface Received {
  member: string;
  topic: string;
  partition: number;
  offset: string;
  value: string;
}

export interface RecordingConsumer {
  consumer: Consumer;
  name: string;
  received: Received[];
  /** Partitions per topic in the last assignment this consumer got. */
  assigned: () => Record<string, number[]>;
  /** Whether the consumer has completed at least one join. */
  joined: () => boolean;
}

/** A kafkajs group member with fast heartbeats that records every message it handles. */
export async function startRecordingConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  name: string,
  sink: Received[],
  onMessage?: (p: EachMessagePayload) => Promise<void> | void,
): Promise<RecordingConsumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 3000, rebalanceTimeout: 4000, heartbeatInterval: 200, maxWaitTimeInMs: 100, retry: { retries: 8, initialRetryTime: 100 } });
  let assignment: Record<string, number[]> = {};
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment = e.payload.memberAssignment;
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Received[] = [];
  await consumer.run({
    eachMessage: async (p) => {
      const r = { member: name, topic: p.topic, partition: p.partition, offset: p.message.offset, value: p.message.value?.toString() ?? '' };
      received.push(r);
      sink.push(r);
      await onMessage?.(p);
    },
  });
  return { consumer, name, received, assigned: () => assignment, joined: () => joined };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LagRow {
  partition: number;
  currentOffset: number;
  logEndOffset: number;
  lag: number;
}

/** What `kafka-consumer-groups --describe` shows, computed as the console does: OffsetFetch + ListOffsets. */
export async function describeLag(kafka: Kafka, groupId: string, topic: string): Promise<LagRow[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return committed!.partitions
      .map((p) => {
        const logEndOffset = Number(ends.find((e) => e.partition === p.partition)!.high);
        const currentOffset = Number(p.offset);
        return { partition: p.partition, currentOffset, logEndOffset, lag: currentOffset < 0 ? logEndOffset : logEndOffset - currentOffset };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
