// kafkajs consume-transform-produce: a group consumer reads input, a transactional producer
// writes a transformed record and commits the input offset in the same transaction
// (sendOffsets → AddOffsetsToTxn + TxnOffsetCommit), committing most transactions and aborting
// every fifth. read_committed consumers see exactly the committed outputs, read_uncommitted
// ones see all of them, and the group's committed offsets moved only with committed work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { withTimeout } from './support.js';

const { Kafka, logLevel } = kafkajs;
const IN = 'ctp-in';
const OUT = 'ctp-out';
const N = 30;

let cluster: TestCluster;
let kafka: kafkajs.Kafka;

beforeAll(async () => {
  cluster = await startTestCluster();
  kafka = new Kafka({ clientId: 'keel-eos-txn', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: IN, numPartitions: 3, replicationFactor: 3 }, { topic: OUT, numPartitions: 3, replicationFactor: 3 }] });
  await admin.disconnect();
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic: IN, messages: Array.from({ length: N }, (_, i) => ({ value: `in${i}`, partition: i % 3 })) });
  await plain.disconnect();
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
});

/** Reads OUT from the beginning in a fresh group until `expected` values arrived, then a little longer to catch extras. */
async function readOut(groupId: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: OUT, fromBeginning: true });
  let reached: () => void;
  const done = new Promise<void>((r) => (reached = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString());
      if (values.length >= expected) reached();
    },
  });
  await withTimeout(done, 20_000, `${groupId} reading ${expected} records`).catch(() => {});
  await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  return values;
}

describe('kafkajs transactions', () => {
  it('commits outputs and input offsets atomically; aborted work never shows to read_committed', async () => {
    const producer = kafka.producer({ transactionalId: 'ctp-tx', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: 'ctp-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: IN, fromBeginning: true });
    const committed: string[] = [];
    const aborted: string[] = [];
    let handled = 0;
    let allHandled: () => void;
    const finished = new Promise<void>((r) => (allHandled = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const value = message.value!.toString();
        const n = Number(value.slice(2));
        const txn = await producer.transaction();
        await txn.send({ topic: OUT, messages: [{ value: `out${n}`, partition: n % 3 }] });
        await txn.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
        if (n % 5 === 0) {
          await txn.abort();
          aborted.push(`out${n}`);
        } else {
          await txn.commit();
          committed.push(`out${n}`);
        }
        if (++handled === N) allHandled();
      },
    });
    await withTimeout(finished, 40_000, 'transform loop');
    await consumer.disconnect();
    await producer.disconnect();
    expect(aborted.length).toBe(6);

    const rc = await readOut('verify-rc', false, committed.length);
    expect([...rc].sort()).toEqual([...committed].sort());
    const ru = await readOut('verify-ru', true, N);
    expect([...ru].sort()).toEqual([...committed, ...aborted].sort());

    // Offsets: each partition's last input message (in27..in29 → offset 10) was committed
    // unless its transaction aborted; in27 (27 % 5 != 0), in28, in29 all committed.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'ctp-group', topics: [IN] });
    await admin.disconnect();
    const byPartition = Object.fromEntries(offsets[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    expect(byPartition).toEqual({ 0: 10, 1: 10, 2: 10 });
  }, 90_000);
});
