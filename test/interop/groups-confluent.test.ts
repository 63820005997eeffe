// confluent-kafka-python (librdkafka 2.0.2) reference consumers in one group with
// cooperative-sticky assignment: a second member joins without anyone losing its partitions
// first and the split settles quickly; a member that closes hands everything to the other;
// a member killed before committing has its messages redelivered to the survivor.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { pythonModuleCheck, requirePeer, SYSTEM_PYTHON } from '../helpers/peers.js';
import type { TestCluster } from '../helpers/embedded-cluster.js';
import { describeLag, kafkaFor, startGroupCluster, waitFor, type LagRow } from './groups-support.js';
import { killPeerProcesses, PeerProcess } from './group-peer-process.js';

const peer = requirePeer('python3-confluent-kafka', pythonModuleCheck('confluent_kafka'));
const SCRIPT = new URL('./python/group_consumer_confluent.py', import.meta.url).pathname;

let cluster: TestCluster;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startGroupCluster();
  kafka = kafkaFor(cluster);
}, 30_000);

afterEach(() => killPeerProcesses());

afterAll(async () => {
  killPeerProcesses();
  await cluster?.destroy();
});

function consumer(group: string, topic: string, name: string, mode: 'commit' | 'nocommit' = 'commit', env: Record<string, string> = {}): PeerProcess {
  return new PeerProcess(SYSTEM_PYTHON, [SCRIPT, cluster.bootstrap.join(','), group, topic, name, mode], env);
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` })) });
  await producer.disconnect();
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  await admin.disconnect();
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m${from + i}`);

describe.skipIf(!peer.available)('confluent-kafka-python consumer group (cooperative-sticky)', () => {
  it('splits partitions incrementally when a member joins and hands them back when it leaves', async () => {
    await createTopic('ck-orders', 6);
    await produce('ck-orders', 0, 30);
    const a = consumer('order-processor', 'ck-orders', 'a');
    await waitFor(() => a.assignment().length === 6 && a.messages().length >= 30, 20_000, 'a to own all partitions and read 30 messages');

    const b = consumer('order-processor', 'ck-orders', 'b');
    await waitFor(() => b.of('started').length > 0, 10_000, 'b to start');
    const joinedAt = b.of('started')[0]!.t;
    await waitFor(() => b.assignment().length > 0 && a.assignment().length + b.assignment().length === 6, 15_000, 'the split between a and b');
    const changes = [...a.events, ...b.events].filter((e) => e.t >= joinedAt && (e.event === 'assign' || e.event === 'revoke'));
    const settledAt = Math.max(...changes.map((e) => e.t));
    // a learns of the new member only from its next heartbeat (every 3 s): no broker can
    // shorten that. From the first round's answer on, the broker decides how long it takes.
    const firstRoundAt = Math.min(...changes.map((e) => e.t));
    const totalMs = (settledAt - joinedAt) * 1000;
    const rebalanceMs = (settledAt - firstRoundAt) * 1000;
    process.stderr.write(`librdkafka cooperative join: ${totalMs.toFixed(0)} ms from start (heartbeat-bound), ${rebalanceMs.toFixed(0)} ms from the first round\n`);
    // Cooperative: a only ever gave partitions up, never lost all of them first.
    const aAfterJoin = a.events.filter((e) => e.t >= joinedAt && (e.event === 'revoke' || e.event === 'lost'));
    expect(aAfterJoin.length).toBeGreaterThan(0);
    expect(aAfterJoin.every((e) => e.event === 'revoke' && (e.assignment as number[]).length > 0)).toBe(true);
    expect([...a.assignment(), ...b.assignment()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rebalanceMs).toBeLessThan(2000);
    expect(totalMs).toBeLessThan(3000 + 2000);

    await produce('ck-orders', 30, 30);
    await waitFor(() => a.messages().length + b.messages().length >= 60, 15_000, '60 messages across a and b');
    await new Promise((r) => setTimeout(r, 300));
    const values = [...a.messages(), ...b.messages()].map((m) => m.value).sort();
    expect(values).toEqual([...range(0, 60)].sort());

    // The describe table (OffsetFetch + ListOffsets via kafkajs admin) shows exactly what the
    // consumers committed: the offset after the last message each partition delivered, lag 0.
    const next = new Map<number, number>();
    for (const m of [...a.messages(), ...b.messages()]) next.set(m.partition, Math.max(next.get(m.partition) ?? 0, m.offset + 1));
    let table: LagRow[] = [];
    await waitFor(async () => {
      table = await describeLag(kafka, 'order-processor', 'ck-orders');
      return table.every((r) => r.currentOffset === (next.get(r.partition) ?? -1));
    }, 10_000, 'the describe table to match the commits');
    expect(table).toHaveLength(6);
    for (const r of table) expect(r).toEqual({ partition: r.partition, currentOffset: r.logEndOffset, logEndOffset: r.logEndOffset, lag: 0 });

    await a.close();
    await waitFor(() => b.assignment().length === 6, 15_000, 'b to take every partition after a closed');
    await produce('ck-orders', 60, 12);
    await waitFor(() => b.messages().filter((m) => Number(m.value.slice(1)) >= 60).length >= 12, 15_000, 'b to read the 12 new messages');

    // A member killed before committing: its partitions, and the messages it read but never
    // committed, go to the survivor once its session (shortened here to 3 s) lapses.
    const c = consumer('order-processor', 'ck-orders', 'c', 'nocommit', { KEEL_SESSION_TIMEOUT_MS: '3000', KEEL_HEARTBEAT_INTERVAL_MS: '500' });
    await waitFor(() => c.assignment().length > 0 && b.assignment().length + c.assignment().length === 6, 15_000, 'the split between b and c');
    const bBefore = b.messages().length;
    await produce('ck-orders', 72, 24);
    await waitFor(() => b.messages().length - bBefore + c.messages().length >= 24, 15_000, 'b and c to read the 24 new messages');
    expect(c.messages().length).toBeGreaterThan(0);
    const readByC = c.messages().map((m) => m.value);
    c.kill();
    await waitFor(() => b.assignment().length === 6, 20_000, 'b to take over c\'s partitions');
    await waitFor(() => readByC.every((v) => b.messages().some((m) => m.value === v)), 15_000, 'b to get c\'s uncommitted messages again');
    await b.close();
  }, 60_000);
});
