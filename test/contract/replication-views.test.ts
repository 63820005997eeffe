// RF 3 topics through the contract: partition sizes (DescribeLogDirs over kafkajs' own
// connections), and the overview / topic detail following a broker stop, crash and restart:
// under-replicated partitions, ISR shrinking, offline replicas, leaders moving, recovery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicDetail } from '../../electron/contract/index.js';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
const sb = 'sandbox';
const TOPIC = 'rf3-orders';
const PARTITIONS = 6;

const detail = () => h.api.call('topics.get', { clusterId: sb, topic: TOPIC });
const fullyReplicated = (d: TopicDetail) => d.partitions.every((p) => p.isr.length === 3 && p.offlineReplicas.length === 0 && p.leader !== null);

beforeAll(async () => {
  h = await startHarness();
  await h.api.call('topics.create', { clusterId: sb, topic: TOPIC, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
  for (let i = 0; i < 60; i++) {
    await h.api.call('messages.produce', { clusterId: sb, topic: TOPIC, partition: i % PARTITIONS, value: JSON.stringify({ i, pad: 'x'.repeat(100) }) });
  }
  await waitFor(async () => fullyReplicated(await detail()), 10_000, 'full ISR');
});
afterAll(async () => h?.close());

describe('partition sizes', () => {
  it('reports each leader replica size and the topic total in detail and list', async () => {
    const d = await detail();
    expect(d.replicationFactor).toBe(3);
    expect(d.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    for (const p of d.partitions) expect(p.sizeBytes).toBeGreaterThan(10 * 100); // 10 records of >100 bytes each
    expect(d.sizeBytes).toBe(d.partitions.reduce((n, p) => n + p.sizeBytes!, 0));

    const list = await h.api.call('topics.list', { clusterId: sb, search: TOPIC });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ name: TOPIC, replicationFactor: 3, sizeBytes: d.sizeBytes, messageCountEstimate: 60 });
    // Without counts the list skips both extra rounds.
    expect((await h.api.call('topics.list', { clusterId: sb, search: TOPIC, withCounts: false })).items[0]).toMatchObject({ sizeBytes: null, messageCountEstimate: null });

    await h.api.call('topics.create', { clusterId: sb, topic: 'rf3-empty', partitions: 2, replicationFactor: 3 });
    const empty = await h.api.call('topics.get', { clusterId: sb, topic: 'rf3-empty' });
    expect(empty.sizeBytes).toBe(0);
  });

  it('says null when the leader fails DescribeLogDirs, and recovers', async () => {
    await h.api.call('topics.create', { clusterId: sb, topic: 'rf3-single', partitions: 1, replicationFactor: 3 });
    await h.api.call('messages.produce', { clusterId: sb, topic: 'rf3-single', value: 'one' });
    const before = await h.api.call('topics.get', { clusterId: sb, topic: 'rf3-single' });
    expect(before.sizeBytes).toBeGreaterThan(0);
    // The leader hangs up instead of answering (refusals by version or error code: log-dirs-codec.test.ts).
    await h.api.call('sandbox.injectFault', { apiKey: 35, dropResponse: true, count: 1, nodeId: before.partitions[0]!.leader! });
    const refused = await h.api.call('topics.get', { clusterId: sb, topic: 'rf3-single' });
    expect(refused.sizeBytes).toBeNull();
    expect(refused.partitions[0]).toMatchObject({ sizeBytes: null, highWatermark: '1' });
    expect((await h.api.call('topics.get', { clusterId: sb, topic: 'rf3-single' })).sizeBytes).toBe(before.sizeBytes);
  });
});

describe('broker stop, crash and restart', () => {
  it('shows under-replicated partitions, a shrunken ISR and offline replicas while a broker is stopped', async () => {
    expect((await h.api.call('clusters.overview', { clusterId: sb })).underReplicatedPartitions).toBe(0);
    const hadLeadership = (await detail()).partitions.filter((p) => p.leader === 2).map((p) => p.partition);
    expect(hadLeadership.length).toBeGreaterThan(0);

    await h.api.call('sandbox.stopBroker', { nodeId: 2 });
    const o = await waitFor(async () => {
      const x = await h.api.call('clusters.overview', { clusterId: sb });
      return x.underReplicatedPartitions > 0 ? x : null;
    }, 10_000, 'under-replicated partitions');
    // Every RF 3 partition lost a replica; nothing went offline because two replicas remain.
    expect(o.underReplicatedPartitions).toBeGreaterThanOrEqual(PARTITIONS + 2 + 1);
    expect(o.offlinePartitions).toBe(0);
    expect(o.brokers.map((b) => b.nodeId)).not.toContain(2);

    const d = await detail();
    for (const p of d.partitions) {
      expect(p.replicas).toHaveLength(3);
      expect(p.isr).toHaveLength(2);
      expect(p.isr).not.toContain(2);
      expect(p.offlineReplicas).toEqual([2]);
      expect(p.leader).not.toBe(2);
      expect(p.leader).not.toBeNull();
    }
    const row = (await h.api.call('topics.list', { clusterId: sb, search: TOPIC })).items[0]!;
    expect(row).toMatchObject({ underReplicatedPartitions: PARTITIONS, offlinePartitions: 0 });
    // min.insync.replicas 2 still holds with two in-sync replicas: acks=all writes go through.
    expect(await h.api.call('messages.produce', { clusterId: sb, topic: TOPIC, partition: hadLeadership[0]!, value: 'while-2-is-down', acks: -1 })).toMatchObject({ offset: '10' });
  });

  it('recovers after the broker starts again', async () => {
    await h.api.call('sandbox.startBroker', { nodeId: 2 });
    const d = await waitFor(async () => {
      const x = await detail();
      return fullyReplicated(x) ? x : null;
    }, 20_000, 'ISR back to 3');
    expect(d.partitions.every((p) => p.offlineReplicas.length === 0)).toBe(true);
    const o = await waitFor(async () => {
      const x = await h.api.call('clusters.overview', { clusterId: sb });
      return x.underReplicatedPartitions === 0 && x.brokers.length === 3 ? x : null;
    }, 20_000, 'overview healthy');
    expect(o.offlinePartitions).toBe(0);
    // The restarted replica caught up: the message written while it was down is readable from any leader.
    const got = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, start: { from: 'beginning' }, filter: { text: 'while-2-is-down' } });
    expect(got.messages).toHaveLength(1);
  });

  it('notices a crashed broker after the session timeout and refuses acks=all below min.insync', async () => {
    await h.api.call('topics.create', { clusterId: sb, topic: 'rf2-strict', partitions: 1, replicationFactor: 2, configs: { 'min.insync.replicas': '2' } });
    const p0 = (await h.api.call('topics.get', { clusterId: sb, topic: 'rf2-strict' })).partitions[0]!;
    const follower = p0.replicas.find((r) => r !== p0.leader)!;
    await h.api.call('sandbox.crashBroker', { nodeId: follower });
    const shrunk = await waitFor(async () => {
      const x = (await h.api.call('topics.get', { clusterId: sb, topic: 'rf2-strict' })).partitions[0]!;
      return x.isr.length === 1 ? x : null;
    }, 15_000, 'ISR shrink after crash');
    expect(shrunk.offlineReplicas).toEqual([follower]);
    const e = await h.api.call('messages.produce', { clusterId: sb, topic: 'rf2-strict', value: 'x', acks: -1 }).catch((err) => err);
    expect(e).toMatchObject({ code: 'KAFKA_ERROR' });
    expect(String(e.message)).toMatch(/in-?sync|NOT_ENOUGH_REPLICAS|replicas/i);

    await h.api.call('sandbox.startBroker', { nodeId: follower });
    await waitFor(async () => (await h.api.call('topics.get', { clusterId: sb, topic: 'rf2-strict' })).partitions[0]!.isr.length === 2, 20_000, 'ISR regrown');
    expect(await h.api.call('messages.produce', { clusterId: sb, topic: 'rf2-strict', value: 'y', acks: -1 })).toMatchObject({ partition: 0 });
  });

  it('follows sandbox isolation and leader moves, and clears them', async () => {
    const p0 = (await detail()).partitions[0]!;
    const target = p0.isr.find((r) => r !== p0.leader)!;
    await h.api.call('sandbox.moveLeader', { topic: TOPIC, partition: 0, nodeId: target });
    await waitFor(async () => (await detail()).partitions[0]!.leader === target, 5_000, 'leader moved');
    await expect(h.api.call('sandbox.moveLeader', { topic: TOPIC, partition: 99, nodeId: target })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // An isolated follower falls out of the ISRs after replica.lag.time.max.ms (5 s in the sandbox) but stays online.
    const follower = (await detail()).partitions[0]!.replicas.find((r) => r !== target)!;
    await h.api.call('sandbox.isolateBroker', { nodeId: follower, isolated: true });
    await h.api.call('sandbox.setLatency', { nodeId: target, ms: 5 });
    const faulted = (await h.api.call('sandbox.status', {})).brokers;
    expect(faulted.map((b) => [b.nodeId, b.isolated, b.latencyMs])).toEqual(faulted.map((b) => [b.nodeId, b.nodeId === follower, b.nodeId === target ? 5 : 0]));
    const d = await waitFor(async () => {
      const x = await detail();
      return x.partitions.every((p) => p.leader === follower || !p.isr.includes(follower)) ? x : null;
    }, 15_000, 'isolated follower out of the ISR');
    expect(d.partitions.every((p) => p.offlineReplicas.length === 0)).toBe(true);
    expect((await h.api.call('clusters.overview', { clusterId: sb })).underReplicatedPartitions).toBeGreaterThan(0);
    await h.api.call('sandbox.clearFaults', {});
    expect((await h.api.call('sandbox.status', {})).brokers.every((b) => !b.isolated && b.latencyMs === 0)).toBe(true);
    await waitFor(async () => fullyReplicated(await detail()), 15_000, 'healed');
  });
});
