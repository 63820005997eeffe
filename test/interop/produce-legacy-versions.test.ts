// Produce v0-2 are advertised only so librdkafka enables gzip/snappy/lz4 (it checks that the
// broker lists Produce v0). They must still never store anything: Kafka answers message
// format 0/1 it cannot convert with UNSUPPORTED_FOR_MESSAGE_FORMAT here, and a v2 record
// batch inside a v0-2 request is invalid (INVALID_RECORD), as in Apache Kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { partitionLeaders, readTopic } from '../helpers/raw-consume.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

const INVALID_RECORD = 87;
const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;

/** One message in format v1 (magic 1); the CRC is irrelevant because the magic is refused first. */
function legacyMessageSet(value: string): Buffer {
  const v = Buffer.from(value);
  const message = Buffer.alloc(4 + 1 + 1 + 8 + 4 + 4 + v.length);
  let pos = 4; // crc stays 0
  message.writeInt8(1, pos++); // magic
  message.writeInt8(0, pos++); // attributes
  message.writeBigInt64BE(BigInt(Date.now()), pos);
  pos += 8;
  message.writeInt32BE(-1, pos); // null key
  pos += 4;
  message.writeInt32BE(v.length, pos);
  v.copy(message, pos + 4);
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(0n, 0);
  head.writeInt32BE(message.length, 8);
  return Buffer.concat([head, message]);
}

describe('Produce v0-2', () => {
  let cluster: TestCluster;
  let leader: string;
  const topic = 'legacy-produce';

  beforeAll(async () => {
    cluster = await startTestCluster();
    const client = await RawClient.connectTo(cluster.bootstrap[0]!);
    try {
      const res = await client.request(19, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      expect(res.topics[0].errorCode).toBe(0);
    } finally {
      client.close();
    }
    leader = (await partitionLeaders(cluster.bootstrap, topic)).leaders.get(0)!;
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  const produce = async (version: number, records: Buffer) => {
    const client = await RawClient.connectTo(leader);
    try {
      const res = await client.request(0, version, { acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
      return res.responses[0].partitionResponses[0];
    } finally {
      client.close();
    }
  };

  it.each([0, 1, 2])('v%i refuses message format v1 and a v2 record batch, and stores nothing', async (version) => {
    expect((await produce(version, legacyMessageSet('old'))).errorCode).toBe(UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect((await produce(version, buildRecordBatch({ records: [{ value: Buffer.from('new') }] }))).errorCode).toBe(INVALID_RECORD);
    expect(await readTopic(cluster.bootstrap, topic)).toHaveLength(0);
  });

  it('v3 stores the same record batch', async () => {
    const r = await produce(3, buildRecordBatch({ records: [{ value: Buffer.from('new') }] }));
    expect(r.errorCode).toBe(0);
    expect((await readTopic(cluster.bootstrap, topic)).map((x) => x.value!.toString())).toEqual(['new']);
  });
});
