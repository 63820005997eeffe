// Bad requests that parse: invalid topics and configs, bad batches, wrong leaders, offsets and
// epochs. Each case asserts the exact error code Kafka answers and then that the broker still
// serves a second, well-behaved client and lost nothing (bad-input-frames.test.ts: bad frames).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPartition } from './raw-read.js';
import {
  OFFSET_OUT_OF_RANGE,
  CORRUPT_MESSAGE,
  UNKNOWN_TOPIC_OR_PARTITION,
  NOT_LEADER_OR_FOLLOWER,
  MESSAGE_TOO_LARGE,
  INVALID_TOPIC_EXCEPTION,
  INVALID_REQUIRED_ACKS,
  INVALID_PARTITIONS,
  INVALID_REPLICATION_FACTOR,
  INVALID_CONFIG,
  UNSUPPORTED_FOR_MESSAGE_FORMAT,
  FENCED_LEADER_EPOCH,
  UNKNOWN_LEADER_EPOCH,
  MAX_PARTITIONS,
  STABLE,
  SMALL,
  EPOCHS,
  cluster,
  kafka,
  written,
  connect,
  request,
  expectBrokerHealthy,
  leaderOf,
  produceRaw,
  batch,
  startBadInputCluster,
  stopBadInputCluster,
} from './bad-input-kit.js';

beforeAll(startBadInputCluster);
afterAll(stopBadInputCluster);

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
