// Bad input on the wire: each case asserts the exact behaviour Kafka has (error code, or the
// connection being closed) and then that the broker still serves a second, well-behaved
// client (kafkajs metadata + produce) and that nothing written earlier was lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';
import { partitionLeaders, readPartition } from './raw-read.js';

// Wire error codes, written out as numbers: the test is the oracle, not the broker's table.
const OFFSET_OUT_OF_RANGE = 1;
const CORRUPT_MESSAGE = 2;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const NOT_LEADER_OR_FOLLOWER = 6;
const MESSAGE_TOO_LARGE = 10;
const INVALID_TOPIC_EXCEPTION = 17;
const INVALID_REQUIRED_ACKS = 21;
const UNSUPPORTED_VERSION = 35;
const INVALID_PARTITIONS = 37;
const INVALID_REPLICATION_FACTOR = 38;
const INVALID_CONFIG = 40;
const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;
const FENCED_LEADER_EPOCH = 74;
const UNKNOWN_LEADER_EPOCH = 75;

const MAX_REQUEST_BYTES = 1048576;
const MAX_PARTITIONS = 50;
const STABLE = 'stable';
const SMALL = 'small-messages';
const EPOCHS = 'epochs';

let cluster: TestCluster;
let kafka: Kafka;
/** Everything written to STABLE so far, in offset order from 0. */
const written: string[] = [];

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

/** A request header v1 (apiKey, version, correlation id, client id) followed by `body`, size-prefixed. */
function rawFrame(apiKey: number, apiVersion: number, body: Buffer, flexibleHeader = false): Buffer {
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

async function connect(address = cluster.bootstrap[0]!): Promise<RawClient> {
  return RawClient.connectTo(address, 5000);
}

/** One request on a fresh connection. */
async function request(apiKey: number, apiVersion: number, body: object, address?: string): Promise<any> {
  const client = await connect(address);
  try {
    return await client.request(apiKey, apiVersion, body);
  } finally {
    client.close();
  }
}

/** The broker must close the connection without answering. */
async function expectClosedWithoutResponse(client: RawClient): Promise<void> {
  // A reset (unread bytes at close) is a close too.
  await expect(client.readFrame()).rejects.toThrow(/closed|ECONNRESET|EPIPE/);
  expect(client.closed).toBe(true);
}

/** A second client on the same broker keeps working and earlier data is all still there. */
async function expectBrokerHealthy(): Promise<void> {
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

async function leaderOf(topic: string, partition = 0): Promise<string> {
  const leader = (await partitionLeaders(cluster.bootstrap[0]!, topic)).get(partition);
  if (!leader) throw new Error(`${topic}-${partition} has no leader`);
  return leader;
}

async function produceRaw(address: string, topic: string, records: Buffer, acks = 1): Promise<{ errorCode: number; baseOffset: number }> {
  const client = await connect(address);
  try {
    const res = await client.request(0, 7, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    return res.responses[0].partitionResponses[0];
  } finally {
    client.close();
  }
}

function batch(value: string | Buffer): Buffer {
  return buildRecordBatch({ records: [{ value: Buffer.isBuffer(value) ? value : Buffer.from(value) }] });
}

beforeAll(async () => {
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
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('framing and headers', () => {
  it('refuses a frame larger than socket.request.max.bytes from its size prefix alone', async () => {
    const client = await connect();
    // Only the size and a few bytes: the broker must not wait for (or buffer) the body.
    client.writeRaw(Buffer.concat([int32(MAX_REQUEST_BYTES + 1), Buffer.from([0, 3, 0, 1])]));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('accepts a frame of exactly socket.request.max.bytes (the limit is inclusive) and answers it', async () => {
    // A Produce to the 1 KiB topic padded to exactly the limit: the answer (MESSAGE_TOO_LARGE) proves it was read and parsed.
    const leader = await leaderOf(SMALL);
    const build = (valueSize: number) =>
      encodeRequestFrame(0, 7, 99, 'bad-input', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: SMALL, partitionData: [{ index: 0, records: batch(Buffer.alloc(valueSize, 0x62)) }] }] });
    let valueSize = MAX_REQUEST_BYTES - 200;
    let frame = build(valueSize);
    for (let i = 0; i < 5 && frame.length - 4 !== MAX_REQUEST_BYTES; i++) {
      valueSize += MAX_REQUEST_BYTES - (frame.length - 4);
      frame = build(valueSize);
    }
    expect(frame.length - 4).toBe(MAX_REQUEST_BYTES);
    const client = await connect(leader);
    client.writeRaw(frame);
    const { correlationId, body } = decodeResponseFrame(0, 7, await client.readFrame());
    expect(correlationId).toBe(99);
    expect(body.responses[0].partitionResponses[0].errorCode).toBe(MESSAGE_TOO_LARGE);
    client.close();
    // One byte more is refused outright.
    const tooBig = await connect(leader);
    const bigger = build(valueSize + 1);
    expect(bigger.length - 4).toBe(MAX_REQUEST_BYTES + 1);
    tooBig.writeRaw(bigger);
    await expectClosedWithoutResponse(tooBig);
    await expectBrokerHealthy();
  });

  it('closes the connection on a negative frame size', async () => {
    const client = await connect();
    client.writeRaw(int32(-5));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('closes the connection on a truncated request header', async () => {
    const client = await connect();
    client.writeRaw(Buffer.concat([int32(3), Buffer.from([0, 3, 0])]));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    // api key, version, correlation id, then a client id length that runs past the frame
    const h = Buffer.alloc(10);
    h.writeInt16BE(3, 0);
    h.writeInt16BE(1, 2);
    h.writeInt32BE(7, 4);
    h.writeInt16BE(500, 8);
    client2.writeRaw(Buffer.concat([int32(h.length), h]));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('closes the connection on a malformed body after a valid header', async () => {
    const client = await connect();
    // Metadata v1 with a topic array claiming 2^31-1 entries.
    client.writeRaw(rawFrame(3, 1, Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 0x41])));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    // Produce v7 whose record set length runs past the frame.
    client2.writeRaw(rawFrame(0, 7, Buffer.concat([Buffer.from([0xff, 0xff, 0, 1]), int32(1000), int32(1), Buffer.from([0, 1, 0x61]), int32(1), int32(0), int32(100000), Buffer.alloc(10)])));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('refuses a request of more array elements than the per-request limit instead of decoding them all', async () => {
    // Metadata v9 with 500k empty topic names in 1 MB: each would become an object and an error
    // answer (this took ~9 s of event-loop time and grew with the frame: 16 MB → 1.4 GB of heap).
    const n = 500_000;
    const count: number[] = [];
    for (let v = n + 1; ; v = Math.floor(v / 128)) {
      if (v < 0x80) { count.push(v); break; }
      count.push((v & 0x7f) | 0x80);
    }
    const body = Buffer.concat([Buffer.from(count), Buffer.alloc(n * 2).fill(Buffer.from([1, 0])), Buffer.from([1, 0, 0, 0])]);
    const client = await connect();
    const started = Date.now();
    client.writeRaw(rawFrame(3, 9, body, true));
    await expectClosedWithoutResponse(client);
    expect(Date.now() - started).toBeLessThan(2000);
    // A big but ordinary request (Metadata for 10,000 topic names) is still answered.
    const many = await request(3, 1, { topics: Array.from({ length: 10_000 }, (_, i) => ({ name: `missing-${i}` })) });
    expect(many.topics).toHaveLength(10_000);
    expect(many.topics[0].errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    await expectBrokerHealthy();
  });

  it('closes the connection on an unknown API key', async () => {
    const client = await connect();
    client.writeRaw(rawFrame(9999, 0, Buffer.alloc(0)));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    client2.writeRaw(rawFrame(-1, 0, Buffer.alloc(0)));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('closes the connection on an unsupported Metadata version', async () => {
    const client = await connect();
    client.writeRaw(rawFrame(3, 99, Buffer.from([1, 0]), true));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('answers ApiVersions v99 with UNSUPPORTED_VERSION in v0 form, listing what it supports', async () => {
    const client = await connect();
    // Flexible header (v2): client id, then an empty tagged-field section; the body is v3-shaped.
    client.writeRaw(rawFrame(18, 99, Buffer.from([0, 1, 0, 1, 0, 0]), true));
    const frame = await client.readFrame();
    const { correlationId, body } = decodeResponseFrame(18, 0, frame);
    expect(correlationId).toBe(4242);
    expect(body.errorCode).toBe(UNSUPPORTED_VERSION);
    expect(body.apiKeys.find((k: any) => k.apiKey === 18)).toMatchObject({ minVersion: 0 });
    expect(body.apiKeys.find((k: any) => k.apiKey === 3)).toBeTruthy();
    // The connection stays usable: a supported version now gets a normal answer.
    const ok = await client.request(18, 0, {});
    expect(ok.errorCode).toBe(0);
    client.close();
    await expectBrokerHealthy();
  });
});

describe('CreateTopics validation', () => {
  async function createTopics(topics: object[]): Promise<any[]> {
    const client = await connect(cluster.bootstrap[1]);
    try {
      const res = await client.request(19, 5, { topics, timeoutMs: 5000, validateOnly: false });
      return res.topics;
    } finally {
      client.close();
    }
  }
  const topic = (name: string, extra: object = {}) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...extra });

  it('refuses illegal topic names with INVALID_TOPIC_EXCEPTION', async () => {
    const bad = ['', 'a b', '.', '..', 'x'.repeat(250), 'bad/name', 'naïve', 'tab\tname'];
    const results = await createTopics(bad.map((n) => topic(n)));
    expect(results.map((r) => [r.name, r.errorCode])).toEqual(bad.map((n) => [n, INVALID_TOPIC_EXCEPTION]));
    for (const r of results) expect(r.errorMessage).toBeTruthy();
    // 249 characters is the longest legal name.
    const [ok] = await createTopics([topic('y'.repeat(249))]);
    expect(ok.errorCode).toBe(0);
    const all = await request(3, 1, { topics: null });
    expect(all.topics.map((t: any) => t.name).sort()).toEqual([EPOCHS, SMALL, STABLE, 'y'.repeat(249)].sort());
    await expectBrokerHealthy();
  });

  it('refuses too many partitions, too few, and a replication factor above the broker count', async () => {
    const [tooMany, zero, rf] = await createTopics([
      topic('too-many-partitions', { numPartitions: MAX_PARTITIONS + 1 }),
      topic('zero-partitions', { numPartitions: 0 }),
      topic('rf-too-large', { replicationFactor: 4 }),
    ]);
    expect(tooMany.errorCode).toBe(INVALID_PARTITIONS);
    expect(zero.errorCode).toBe(INVALID_PARTITIONS);
    expect(rf.errorCode).toBe(INVALID_REPLICATION_FACTOR);
    expect(rf.errorMessage).toMatch(/larger than available brokers: 3/);
    await expectBrokerHealthy();
  });

  it('refuses unknown configs and invalid config values with INVALID_CONFIG', async () => {
    const [unknown, badValue] = await createTopics([
      topic('unknown-config', { configs: [{ name: 'no.such.config', value: '1' }] }),
      topic('bad-config-value', { configs: [{ name: 'retention.ms', value: 'soon' }] }),
    ]);
    expect(unknown.errorCode).toBe(INVALID_CONFIG);
    expect(badValue.errorCode).toBe(INVALID_CONFIG);
    const md = await request(3, 1, { topics: [{ name: 'unknown-config' }] });
    expect(md.topics[0].errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    await expectBrokerHealthy();
  });
});

describe('Produce validation', () => {
  it('answers MESSAGE_TOO_LARGE for a batch over the topic max.message.bytes and appends nothing', async () => {
    const leader = await leaderOf(SMALL);
    const res = await produceRaw(leader, SMALL, batch(Buffer.alloc(2000, 0x61)));
    expect(res.errorCode).toBe(MESSAGE_TOO_LARGE);
    expect(res.baseOffset).toBe(-1);
    const small = await produceRaw(leader, SMALL, batch('fits'));
    expect(small).toMatchObject({ errorCode: 0, baseOffset: 0 });
    await expectBrokerHealthy();
  });

  it('answers CORRUPT_MESSAGE for a batch whose CRC does not match', async () => {
    const leader = await leaderOf(STABLE);
    const b = batch('will be flipped');
    b[b.length - 3] ^= 0xff;
    expect((await produceRaw(leader, STABLE, b)).errorCode).toBe(CORRUPT_MESSAGE);
    // A length field that points past the record set is corrupt too.
    const c = batch('length lies');
    c.writeInt32BE(c.readInt32BE(8) + 100, 8);
    expect((await produceRaw(leader, STABLE, c)).errorCode).toBe(CORRUPT_MESSAGE);
    await expectBrokerHealthy();
  });

  it('answers UNSUPPORTED_FOR_MESSAGE_FORMAT for magic 1', async () => {
    const leader = await leaderOf(STABLE);
    const b = batch('old format');
    b.writeInt8(1, 16);
    expect((await produceRaw(leader, STABLE, b)).errorCode).toBe(UNSUPPORTED_FOR_MESSAGE_FORMAT);
    await expectBrokerHealthy();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic when auto-creation is off, and for a partition past the end', async () => {
    const res = await produceRaw(cluster.bootstrap[0]!, 'does-not-exist', batch('x'));
    expect(res.errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    const client = await connect(await leaderOf(STABLE));
    const r2 = await client.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: STABLE, partitionData: [{ index: 7, records: batch('x') }] }] });
    expect(r2.responses[0].partitionResponses[0].errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    client.close();
    const md = await request(3, 4, { topics: [{ name: 'does-not-exist' }], allowAutoTopicCreation: true });
    expect(md.topics[0].errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    await expectBrokerHealthy();
  });

  it('answers NOT_LEADER_OR_FOLLOWER on a broker that does not lead the partition', async () => {
    const leader = await leaderOf(STABLE);
    const other = cluster.bootstrap.find((b) => b !== leader)!;
    expect((await produceRaw(other, STABLE, batch('wrong broker'))).errorCode).toBe(NOT_LEADER_OR_FOLLOWER);
    await expectBrokerHealthy();
  });

  it('answers INVALID_REQUIRED_ACKS for acks=2', async () => {
    const leader = await leaderOf(STABLE);
    expect((await produceRaw(leader, STABLE, batch('acks two'), 2)).errorCode).toBe(INVALID_REQUIRED_ACKS);
    await expectBrokerHealthy();
  });
});

describe('Fetch and ListOffsets validation', () => {
  function fetchBody(topic: string, fetchOffset: number, currentLeaderEpoch = -1) {
    return {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    };
  }
  function listOffsetsBody(topic: string, timestamp: number, currentLeaderEpoch = -1) {
    return { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }] };
  }

  it('answers OFFSET_OUT_OF_RANGE for a fetch past the log end or before its start', async () => {
    const client = await connect(await leaderOf(STABLE));
    const past = await client.request(1, 11, fetchBody(STABLE, written.length + 10));
    expect(past.responses[0].partitions[0].errorCode).toBe(OFFSET_OUT_OF_RANGE);
    const negative = await client.request(1, 11, fetchBody(STABLE, -5));
    expect(negative.responses[0].partitions[0].errorCode).toBe(OFFSET_OUT_OF_RANGE);
    // At exactly the log end there is simply nothing yet.
    const atEnd = await client.request(1, 11, fetchBody(STABLE, written.length));
    expect(atEnd.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: written.length });
    client.close();
    await expectBrokerHealthy();
  });

  it('releases long-poll fetches whose client hung up instead of holding them for maxWaitMs', async () => {
    const leader = await leaderOf(STABLE);
    // 40 connections x 50 fetches waiting for 2 GB (never satisfiable) for ~24 days, then closed.
    const wait = { ...fetchBody(STABLE, 0), maxWaitMs: 0x7fffffff, minBytes: 0x7fffffff };
    for (let i = 0; i < 40; i++) {
      const c = await connect(leader);
      for (let j = 0; j < 50; j++) c.send(1, 11, wait);
      await new Promise((r) => setTimeout(r, 5));
      c.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    // Every append re-checks each waiting fetch: with 2,000 abandoned ones a produce took
    // ~50 ms; released, it is back to about a millisecond.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const value = `lp-${i}`;
      await producer.send({ topic: STABLE, acks: 1, messages: [{ value }] });
      written.push(value);
    }
    const perProduce = (performance.now() - started) / 20;
    await producer.disconnect();
    expect(perProduce).toBeLessThan(25);
    await expectBrokerHealthy();
  });

  it('answers FENCED_LEADER_EPOCH (older) and UNKNOWN_LEADER_EPOCH (newer) on Fetch and ListOffsets', async () => {
    // Bounce the leader so the partition's epoch moves past 0.
    const leaderAddr = await leaderOf(EPOCHS);
    const nodeId = cluster.bootstrap.indexOf(leaderAddr) + 1;
    await cluster.control.stopBroker(nodeId);
    await cluster.control.startBroker(nodeId);
    const leader = await leaderOf(EPOCHS);
    const md = await request(3, 9, { topics: [{ name: EPOCHS }], allowAutoTopicCreation: false }, leader);
    const epoch: number = md.topics[0].partitions[0].leaderEpoch;
    expect(epoch).toBeGreaterThan(0);

    const client = await connect(leader);
    const fenced = await client.request(1, 11, fetchBody(EPOCHS, 0, epoch - 1));
    expect(fenced.responses[0].partitions[0].errorCode).toBe(FENCED_LEADER_EPOCH);
    const unknown = await client.request(1, 11, fetchBody(EPOCHS, 0, epoch + 1));
    expect(unknown.responses[0].partitions[0].errorCode).toBe(UNKNOWN_LEADER_EPOCH);
    const current = await client.request(1, 11, fetchBody(EPOCHS, 0, epoch));
    expect(current.responses[0].partitions[0].errorCode).toBe(0);

    const loFenced = await client.request(2, 4, listOffsetsBody(EPOCHS, -1, epoch - 1));
    expect(loFenced.topics[0].partitions[0].errorCode).toBe(FENCED_LEADER_EPOCH);
    const loUnknown = await client.request(2, 4, listOffsetsBody(EPOCHS, -1, epoch + 1));
    expect(loUnknown.topics[0].partitions[0].errorCode).toBe(UNKNOWN_LEADER_EPOCH);
    const loOk = await client.request(2, 4, listOffsetsBody(EPOCHS, -1, epoch));
    expect(loOk.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 2 });
    client.close();

    const epochsData = await readPartition(cluster.bootstrap[0]!, EPOCHS, 0);
    expect(epochsData.records.map((r) => r.value?.toString())).toEqual(['e0', 'e1']);
    await expectBrokerHealthy();
  });
});
