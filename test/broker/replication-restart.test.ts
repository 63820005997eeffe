// A stopped broker restarted (issue 3): it catches up, rejoins the ISR and the preferred
// leader returns; a follower whose log diverged (an old leader holding writes nobody else
// fetched) truncates them and ends byte-identical to the leader — compared on the segment
// files themselves. Divergence is made both by a clean election after a leader crash and
// by an unclean election (ElectLeaders type 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readPartition } from '../helpers/raw-consume.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import {
  createTopic, metadataView, persistedState, produceTo, replicaEndOffset, replicaLogBytes, replicaRecords, waitFor, withClient,
} from '../helpers/replication.js';

let cluster: TestCluster;
const addr = (id: number) => cluster.bootstrap[id - 1]!;
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i % 4}`, value: `${prefix}-${i}` }));
const running = () => cluster.control.status().filter((b) => b.state === 'running').map((b) => b.nodeId);
const view = async (topic: string) => (await metadataView(addr(running()[0]!), topic)).partitions;

async function expectIdenticalReplicas(topic: string, partition: number, nodes: number[]): Promise<void> {
  await waitFor(() => {
    const ends = nodes.map((n) => replicaEndOffset(cluster.dataDir, n, topic, partition));
    return ends.every((e) => e === ends[0]) && ends[0]! > 0;
  }, 10_000, `replicas ${nodes.join(',')} of ${topic}-${partition} reach the same log end`);
  const [first, ...rest] = nodes.map((n) => replicaLogBytes(cluster.dataDir, n, topic, partition));
  for (const other of rest) expect(other.equals(first!)).toBe(true);
}

beforeAll(async () => {
  cluster = await startTestCluster({ config: { 'replica.lag.time.max.ms': '1500', 'broker.session.timeout.ms': '1000' } });
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
});

describe('restarted broker', () => {
  const TOPIC = 'rep-restart';

  it('catches up, rejoins the ISR, takes its preferred leadership back, and holds the same bytes', async () => {
    await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 2, assignments: [[2, 1, 3], [1, 2, 3]], configs: { 'min.insync.replicas': '2' } });
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, values('first', 20))).errorCode).toBe(0);
    await cluster.control.stopBroker(2);
    let parts = await view(TOPIC);
    expect(parts[0]!.leader).toBe(1);
    expect(parts[0]!.isr).toEqual([1, 3]);
    const epochWhileAway = parts[0]!.leaderEpoch;
    for (let i = 0; i < 5; i++) {
      for (const p of [0, 1]) expect((await produceTo(cluster.bootstrap, TOPIC, p, -1, values(`away-${i}`, 50))).errorCode).toBe(0);
    }
    await cluster.control.startBroker(2);
    parts = await waitFor(async () => {
      const v = await view(TOPIC);
      return v.every((p) => p.isr.length === 3) && v[0]!.leader === 2 ? v : null;
    }, 10_000, 'broker 2 back in both ISRs and leading partition 0 again');
    expect(parts[0]!.leaderEpoch).toBeGreaterThan(epochWhileAway);
    expect(parts[1]!.leader).toBe(1);
    expect(persistedState(cluster.dataDir, TOPIC).map((p) => [p.leader, p.isr])).toEqual(parts.map((p) => [p.leader, p.isr]));
    for (const p of [0, 1]) await expectIdenticalReplicas(TOPIC, p, [1, 2, 3]);
    const records = await readPartition(addr(2), TOPIC, 0);
    expect(records).toHaveLength(270);
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
  });
});

describe('diverged follower', () => {
  it('an old leader that crashed holding unreplicated writes truncates them after a clean election', async () => {
    const TOPIC = 'rep-diverge-clean';
    await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 1, assignments: [[1, 2, 3]], configs: { 'min.insync.replicas': '2' } });
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, values('committed', 5))).errorCode).toBe(0);
    await waitFor(() => replicaEndOffset(cluster.dataDir, 3, TOPIC, 0) === 5 && replicaEndOffset(cluster.dataDir, 2, TOPIC, 0) === 5, 5000, 'followers hold the five');

    cluster.control.isolateBroker(2, true);
    cluster.control.isolateBroker(3, true);
    const lost = await produceTo([addr(1)], TOPIC, 0, 1, values('leader-only', 3));
    expect(lost).toMatchObject({ errorCode: 0, baseOffset: 5 });
    expect(replicaEndOffset(cluster.dataDir, 1, TOPIC, 0)).toBe(8);
    await cluster.control.crashBroker(1);
    cluster.control.isolateBroker(2, false);
    cluster.control.isolateBroker(3, false);
    // Followers were still in the ISR: broker 2 is a clean choice once the crash is noticed.
    const parts = await waitFor(async () => ((await view(TOPIC))[0]!.leader === 2 ? await view(TOPIC) : null), 5000, 'broker 2 elected');
    expect(parts[0]!.isr).toEqual([2, 3]);
    const after = await produceTo([addr(2)], TOPIC, 0, -1, values('new-leader', 4));
    expect(after).toMatchObject({ errorCode: 0, baseOffset: 5 });

    await cluster.control.startBroker(1);
    await waitFor(async () => (await view(TOPIC))[0]!.isr.length === 3, 10_000, 'old leader back in the ISR');
    await expectIdenticalReplicas(TOPIC, 0, [1, 2, 3]);
    const onOldLeader = (await replicaRecords(cluster.dataDir, 1, TOPIC, 0)).map((r) => r.value!.toString());
    expect(onOldLeader).toEqual([...values('committed', 5), ...values('new-leader', 4)].map((v) => v.value));
    await waitFor(async () => (await view(TOPIC))[0]!.leader === 1, 10_000, 'preferred leader 1 restored');
  });

  it('an unclean election (ElectLeaders type 1) makes the returning old leader truncate too', async () => {
    const TOPIC = 'rep-diverge-unclean';
    await createTopic(cluster.bootstrap, { name: TOPIC, partitions: 1, assignments: [[1, 2, 3]], configs: { 'min.insync.replicas': '1' } });
    expect((await produceTo(cluster.bootstrap, TOPIC, 0, -1, values('committed', 6))).errorCode).toBe(0);
    await waitFor(() => replicaEndOffset(cluster.dataDir, 2, TOPIC, 0) === 6 && replicaEndOffset(cluster.dataDir, 3, TOPIC, 0) === 6, 5000, 'followers hold the six');

    cluster.control.isolateBroker(2, true);
    cluster.control.isolateBroker(3, true);
    await waitFor(async () => (await view(TOPIC))[0]!.isr.length === 1, 5000, 'isolated followers dropped from the ISR');
    // With only the leader in the ISR, these are acknowledged as committed — and will be lost.
    expect((await produceTo([addr(1)], TOPIC, 0, -1, values('doomed', 4))).errorCode).toBe(0);
    await cluster.control.crashBroker(1);
    cluster.control.isolateBroker(2, false);
    cluster.control.isolateBroker(3, false);
    await waitFor(async () => (await view(TOPIC))[0]!.leader === -1, 5000, 'partition offline once the crash is noticed');

    const elect = await withClient(addr(2), (c) => c.request(43, 1, { electionType: 1, topicPartitions: [{ topic: TOPIC, partitions: [0] }], timeoutMs: 5000 }));
    expect(elect.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.NONE);
    const parts = await view(TOPIC);
    expect(parts[0]!.leader).toBe(2);
    expect((await produceTo([addr(2)], TOPIC, 0, -1, values('survivor', 3))).baseOffset).toBe(6);

    await cluster.control.startBroker(1);
    await waitFor(async () => (await view(TOPIC))[0]!.isr.length === 3, 10_000, 'all three in the ISR');
    await expectIdenticalReplicas(TOPIC, 0, [1, 2, 3]);
    const onOldLeader = (await replicaRecords(cluster.dataDir, 1, TOPIC, 0)).map((r) => r.value!.toString());
    expect(onOldLeader).toEqual([...values('committed', 6), ...values('survivor', 3)].map((v) => v.value));
  });
});
