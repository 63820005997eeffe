// Shared by the bad-input tests (bad-input-frames.test.ts: the wire framing; bad-input.test.ts:
// API validation): a cluster with small limits, raw requests, and the check that after each
// bad request the broker still serves a well-behaved client and lost nothing. Module state is
// per test file (vitest isolates files).
import { expect } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { partitionLeaders, readPartition } from './raw-read.js';

// Wire error codes, written out as numbers: the test is the oracle, not the broker's table.
export const OFFSET_OUT_OF_RANGE = 1;
export const CORRUPT_MESSAGE = 2;
export const UNKNOWN_TOPIC_OR_PARTITION = 3;
export const NOT_LEADER_OR_FOLLOWER = 6;
export const MESSAGE_TOO_LARGE = 10;
export const INVALID_TOPIC_EXCEPTION = 17;
export const INVALID_REQUIRED_ACKS = 21;
export const UNSUPPORTED_VERSION = 35;
export const INVALID_PARTITIONS = 37;
export const INVALID_REPLICATION_FACTOR = 38;
export const INVALID_CONFIG = 40;
export const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;
export const FENCED_LEADER_EPOCH = 74;
export const UNKNOWN_LEADER_EPOCH = 75;

export const MAX_REQUEST_BYTES = 1048576;
export const MAX_PARTITIONS = 50;
export const STABLE = 'stable';
export const SMALL = 'small-messages';
export const EPOCHS = 'epochs';

export let cluster: TestCluster;
export let kafka: Kafka;
/** Everything written to STABLE so far, in offset order from 0. */
export const written: string[] = [];

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

/** A request header v1 (apiKey, version, correlation id, client id) followed by `body`, size-prefixed. */
export function rawFrame(apiKey: number, apiVersion: number, body: Buffer, flexibleHeader = false): Buffer {
  const clientId = Buffer.from('bad-input');
  // With a flexible (v2) header the last byte stays 0: an empty tagged-field section.
  const header = Buffer.alloc(8 + 2 + clientId.length + (flexibleHeader ? 1 : 0));
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(4242, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const payload = Buffer.concat([header, body]);
  return Buffer.concat([int32(payload.length), payload]);
}

export async function connect(address = cluster.bootstrap[0]!): Promise<RawClient> {
  return RawClient.connectTo(address, 5000);
}

/** One request on a fresh connection. */
export async function request(apiKey: number, apiVersion: number, body: object, address?: string): Promise<any> {
  const client = await connect(address);
  try {
    return await client.request(apiKey, apiVersion, body);
  } finally {
    client.close();
  }
}

/** The broker must close the connection without answering. */
export async function expectClosedWithoutResponse(client: RawClient): Promise<void> {
  // A reset (unread bytes at close) is a close too.
  await expect(client.readFrame()).rejects.toThrow(/closed|ECONNRESET|EPIPE/);
  expect(client.closed).toBe(true);
}

/** A second client on the same broker keeps working and earlier data is all still there. */
export async function expectBrokerHealthy(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [STABLE] });
    expect(md.topics[0]!.partitions).toHaveLength(1);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = `after-${written.length}`;
    const [meta] = await producer.send({ topic: STABLE, acks: -1, messages: [{ value }] });
    expect(Number(meta!.baseOffset)).toBe(written.length);
    written.push(value);
  } finally {
    await producer.disconnect();
  }
  const contents = await readPartition(cluster.bootstrap[0]!, STABLE, 0);
  expect(contents.records.map((r) => r.value?.toString())).toEqual(written);
}

export async function leaderOf(topic: string, partition = 0): Promise<string> {
  const leader = (await partitionLeaders(cluster.bootstrap[0]!, topic)).get(partition);
  if (!leader) throw new Error(`${topic}-${partition} has no leader`);
  return leader;
}

export async function produceRaw(address: string, topic: string, records: Buffer, acks = 1): Promise<{ errorCode: number; baseOffset: number }> {
  const client = await connect(address);
  try {
    const res = await client.request(0, 7, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    return res.responses[0].partitionResponses[0];
  } finally {
    client.close();
  }
}

export function batch(value: string | Buffer): Buffer {
  return buildRecordBatch({ records: [{ value: Buffer.isBuffer(value) ? value : Buffer.from(value) }] });
}

/** Starts the cluster both bad-input files use: its topics, and 20 records in STABLE. */
export async function startBadInputCluster(): Promise<void> {
  cluster = await startTestCluster({
    config: { 'socket.request.max.bytes': String(MAX_REQUEST_BYTES), 'auto.create.topics.enable': 'false', 'max.partitions.per.topic': String(MAX_PARTITIONS) },
  });
  kafka = new Kafka({ clientId: 'bad-input-peer', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: STABLE, numPartitions: 1, replicationFactor: 1 },
      { topic: SMALL, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '1024' }] },
      { topic: EPOCHS, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const values = Array.from({ length: 20 }, (_, i) => `before-${i}`);
  await producer.send({ topic: STABLE, acks: -1, messages: values.map((value) => ({ value })) });
  await producer.send({ topic: EPOCHS, acks: -1, messages: [{ value: 'e0' }, { value: 'e1' }] });
  await producer.disconnect();
  written.push(...values);
}

export async function stopBadInputCluster(): Promise<void> {
  await cluster?.destroy();
}
