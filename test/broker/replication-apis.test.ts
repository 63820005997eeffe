// The replication APIs on the wire (issue 3): OffsetForLeaderEpoch answers across leader
// changes, FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH on Fetch, ListOffsets and
// OffsetForLeaderEpoch, NOT_LEADER_OR_FOLLOWER pointing clients (raw and kafkajs) at the new
// leader, ElectLeaders preferred, partition reassignment through kafkajs admin with the new
// replica catching up and joining the ISR, and DescribeLogDirs sizes and lag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readPartition } from '../helpers/raw-consume.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import {
  createTopic, keyedBatch, metadataView, producePartition, produceTo, replicaEndOffset, replicaLogBytes, replicaSegments, waitFor, withClient,
} from '../helpers/replication.js';

const { Kafka, logLevel } = kafkajs;
let cluster: TestCluster;
const addr = (id: number) => cluster.bootstrap[id - 1]!;
const view = async (topic: string) => (await metadataView(addr(1), topic)).partitions;
const vals = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}` }));

function fetchBody(topic: string, partition: number, fetchOffset: number, currentLeaderEpoch: number) {
  return {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}
const listOffsetsBody = (topic: string, partition: number, currentLeaderEpoch: number) => ({
  replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch, timestamp: -1 }] }],
});
const epochBody = (topic: string, partition: number, currentLeaderEpoch: number, leaderEpoch: number) => ({
  replicaId: -1, topics: [{ topic, partitions: [{ partition, currentLeaderEpoch, leaderEpoch }] }],
});

beforeAll(async () => {
  cluster = await startTestCluster();
}, 30_000);

afterAll(async () => {
  cluster?.control.clearFaults();
  await cluster?.destroy();
});

describe('leader epochs', () => {
  const TOPIC = 'api-epochs';

  it('OffsetForLeaderEpoch gives the end of each epoch after two leader moves', async () => {
    await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 1, assignments: [[1, 2, 3]] });
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, vals('e0', 5))).baseOffset).toBe(0);
    const epoch0 = (await view(TOPIC))[0]!.leaderEpoch;
    cluster.control.moveLeader(TOPIC, 0, 2);
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, vals('e1', 3))).baseOffset).toBe(5);
    cluster.control.moveLeader(TOPIC, 0, 3);
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, vals('e2', 2))).baseOffset).toBe(8);
    const current = (await view(TOPIC))[0]!;
    expect(current.leader).toBe(3);
    expect(current.leaderEpoch).toBe(epoch0 + 2);

    await withClient(addr(3), async (c) => {
      const ask = async (leaderEpoch: number) => (await c.request(23, 3, epochBody(TOPIC, 0, current.leaderEpoch, leaderEpoch))).topics[0].partitions[0];
      expect(await ask(epoch0)).toMatchObject({ errorCode: 0, leaderEpoch: epoch0, endOffset: 5 });
      expect(await ask(epoch0 + 1)).toMatchObject({ errorCode: 0, leaderEpoch: epoch0 + 1, endOffset: 8 });
      expect(await ask(epoch0 + 2)).toMatchObject({ errorCode: 0, leaderEpoch: epoch0 + 2, endOffset: 10 });
    });
  });

  it('FENCED_LEADER_EPOCH for an older epoch and UNKNOWN_LEADER_EPOCH for a newer one, on Fetch, ListOffsets and OffsetForLeaderEpoch', async () => {
    const { leaderEpoch } = (await view(TOPIC))[0]!;
    await withClient(addr(3), async (c) => {
      const fetchCode = async (e: number) => (await c.request(1, 12, fetchBody(TOPIC, 0, 0, e))).responses[0].partitions[0].errorCode;
      const listCode = async (e: number) => (await c.request(2, 4, listOffsetsBody(TOPIC, 0, e))).topics[0].partitions[0].errorCode;
      const epochCode = async (e: number) => (await c.request(23, 3, epochBody(TOPIC, 0, e, 0))).topics[0].partitions[0].errorCode;
      for (const code of [fetchCode, listCode, epochCode]) {
        expect(await code(leaderEpoch - 1)).toBe(ErrorCode.FENCED_LEADER_EPOCH);
        expect(await code(leaderEpoch + 1)).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
        expect(await code(leaderEpoch)).toBe(ErrorCode.NONE);
        expect(await code(-1)).toBe(ErrorCode.NONE);
      }
      const listed = (await c.request(2, 4, listOffsetsBody(TOPIC, 0, leaderEpoch))).topics[0].partitions[0];
      expect(listed).toMatchObject({ offset: 10, leaderEpoch });
    });
  });

  it('NOT_LEADER_OR_FOLLOWER from a follower names the new leader, and kafkajs follows the move', async () => {
    const { leaderEpoch } = (await view(TOPIC))[0]!;
    await withClient(addr(1), async (c) => {
      expect((await producePartition(c, TOPIC, 0, 1, keyedBatch(vals('wrong', 1)))).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      const p = (await c.request(1, 12, fetchBody(TOPIC, 0, 0, -1))).responses[0].partitions[0];
      expect(p.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      expect(p.currentLeader).toMatchObject({ leaderId: 3, leaderEpoch });
    });
    const kafka = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 5 } });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, value: 'kj-before-move' }] });
      cluster.control.moveLeader(TOPIC, 0, 2);
      const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, value: 'kj-after-move' }] });
      expect(meta!.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
    const values = (await readPartition(addr(2), TOPIC, 0)).map((r) => r.value!.toString());
    expect(values.slice(-2)).toEqual(['kj-before-move', 'kj-after-move']);
  });

  it('ElectLeaders (preferred) puts the first replica back in charge, then reports ELECTION_NOT_NEEDED', async () => {
    expect((await view(TOPIC))[0]!.leader).toBe(2);
    await withClient(addr(2), async (c) => {
      const elect = async () => (await c.request(43, 1, { electionType: 0, topicPartitions: [{ topic: TOPIC, partitions: [0] }], timeoutMs: 5000 })).replicaElectionResults[0].partitionResult[0];
      expect((await elect()).errorCode).toBe(ErrorCode.NONE);
      expect((await view(TOPIC))[0]!.leader).toBe(1);
      expect((await elect()).errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
      const unknown = await c.request(43, 1, { electionType: 0, topicPartitions: [{ topic: 'no-such-topic', partitions: [0] }], timeoutMs: 5000 });
      expect(unknown.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
  });
});

describe('reassignment and log dirs', () => {
  const TOPIC = 'api-reassign';
  let admin: kafkajs.Admin;

  beforeAll(async () => {
    admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 2, assignments: [[1, 2], [2, 3]] });
    for (let i = 0; i < 4; i++) expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, vals(`r${i}`, 50))).errorCode).toBe(0);
    expect((await produceTo(cluster.bootstrap, TOPIC, 1, -1, vals('p1', 20))).errorCode).toBe(0);
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('an added replica shows as adding while it cannot fetch, then catches up, joins the ISR and completes', async () => {
    cluster.control.isolateBroker(3, true);
    await admin.alterPartitionReassignments({ topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }] });
    const listed = await admin.listPartitionReassignments({ topics: [{ topic: TOPIC, partitions: [0, 1] }] });
    expect(listed.topics).toEqual([{ name: TOPIC, partitions: [{ partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [] }] }]);
    let p0 = (await view(TOPIC))[0]!;
    expect(p0.replicas).toEqual([1, 2, 3]);
    expect(p0.isr).toEqual([1, 2]);

    // DescribeLogDirs on the cut-off replica: present, empty, 200 behind.
    const dirs = async (id: number) => withClient(addr(id), async (c) => (await c.request(35, 1, { topics: [{ topic: TOPIC, partitions: [0] }] })).results[0]);
    const lagging = await dirs(3);
    expect(lagging.errorCode).toBe(0);
    expect(lagging.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, offsetLag: 200 });
    const onLeader = (await dirs(1)).topics[0].partitions[0];
    const leaderFiles = replicaSegments(cluster.dataDir, 1, TOPIC, 0).reduce((n, f) => n + fs.statSync(f).size, 0);
    expect(onLeader).toMatchObject({ offsetLag: 0, partitionSize: leaderFiles });

    cluster.control.isolateBroker(3, false);
    p0 = await waitFor(async () => {
      const p = (await view(TOPIC))[0]!;
      return p.isr.length === 3 ? p : null;
    }, 10_000, 'broker 3 joins the ISR');
    expect(p0.replicas).toEqual([1, 2, 3]);
    expect((await admin.listPartitionReassignments({})).topics).toEqual([]);
    expect(replicaEndOffset(cluster.dataDir, 3, TOPIC, 0)).toBe(200);
    expect(replicaLogBytes(cluster.dataDir, 3, TOPIC, 0).equals(replicaLogBytes(cluster.dataDir, 1, TOPIC, 0))).toBe(true);
    const caughtUp = (await dirs(3)).topics[0].partitions[0];
    expect(caughtUp).toMatchObject({ offsetLag: 0, partitionSize: leaderFiles });
  });

  it('moving a partition off its leader elects a new one and deletes the old replica', async () => {
    const before = (await view(TOPIC))[1]!;
    expect(before.leader).toBe(2);
    await admin.alterPartitionReassignments({ topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 1, replicas: [3, 1] }] }] });
    const after = await waitFor(async () => {
      const p = (await view(TOPIC))[1]!;
      return p.replicas.length === 2 && p.isr.length === 2 ? p : null;
    }, 10_000, 'reassignment of partition 1 completes');
    expect(after).toMatchObject({ replicas: [3, 1], isr: [3, 1], leader: 3 });
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    expect(replicaSegments(cluster.dataDir, 2, TOPIC, 1)).toEqual([]);
    const values = (await readPartition(addr(3), TOPIC, 1)).map((r) => r.value!.toString());
    expect(values).toEqual(vals('p1', 20).map((v) => v.value));
  });

  it('cancelling an ongoing reassignment restores the original replicas', async () => {
    cluster.control.isolateBroker(2, true);
    try {
      await admin.alterPartitionReassignments({ topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 1, replicas: [3, 1, 2] }] }] });
      expect((await view(TOPIC))[1]!.replicas).toEqual([3, 1, 2]);
      await withClient(addr(1), async (c) => {
        const res = await c.request(45, 0, { timeoutMs: 5000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, replicas: null }] }] });
        expect(res.responses[0].partitions[0].errorCode).toBe(0);
        const again = await c.request(45, 0, { timeoutMs: 5000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, replicas: null }] }] });
        expect(again.responses[0].partitions[0].errorCode).toBe(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
      });
      expect((await view(TOPIC))[1]).toMatchObject({ replicas: [3, 1], isr: [3, 1] });
    } finally {
      cluster.control.isolateBroker(2, false);
    }
  });
});
