// Consumer groups through the contract with a real kafkajs consumer: lag and time lag, member
// detail, offset reset (dry-run equals apply; apply refused while the group has members), delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs, { type Consumer } from 'kafkajs';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
let groupsSupported = false;
const sb = 'sandbox';
const TOPIC = 'g-topic';

async function runConsumer(groupId: string, until: (n: number) => boolean): Promise<Consumer> {
  const kafka = new kafkajs.Kafka({ clientId: 'group-test-client', brokers: h.services.sandbox.handle!.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 5_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let n = 0;
  await consumer.run({ eachMessage: async () => void n++ });
  await waitFor(async () => until(n), 20_000, `${groupId} consuming`);
  return consumer;
}

beforeAll(async () => {
  h = await startHarness();
  const o = await h.api.call('clusters.overview', { clusterId: sb });
  const keys = new Set(o.version.apiVersions.map((a) => a.apiKey));
  // JoinGroup, SyncGroup, DescribeGroups, ListGroups, DeleteGroups, OffsetCommit/Fetch, FindCoordinator.
  groupsSupported = [8, 9, 10, 11, 14, 15, 16, 42].every((k) => keys.has(k));
  if (!groupsSupported) return;
  await h.api.call('topics.create', { clusterId: sb, topic: TOPIC, partitions: 2, replicationFactor: 1 });
  for (let i = 0; i < 10; i++) await h.api.call('messages.produce', { clusterId: sb, topic: TOPIC, partition: i % 2, value: `m${i}` });
}, 60_000);
afterAll(async () => h?.close());

describe('consumer groups', () => {
  it('shows lag, time lag and state for a stopped group', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    const consumer = await runConsumer('g1', (n) => n >= 10);
    await waitFor(async () => (await h.api.call('groups.get', { clusterId: sb, groupId: 'g1' })).partitions.every((p) => p.committedOffset === '5'), 20_000, 'commits');
    await consumer.disconnect();
    for (let i = 0; i < 4; i++) await h.api.call('messages.produce', { clusterId: sb, topic: TOPIC, partition: 0, value: `late${i}` });
    await new Promise((r) => setTimeout(r, 20));
    const list = await h.api.call('groups.list', { clusterId: sb });
    expect(list.find((g) => g.groupId === 'g1')).toMatchObject({ state: 'Empty', members: 0, totalLag: 4, topics: [TOPIC] });
    const d = await h.api.call('groups.get', { clusterId: sb, groupId: 'g1' });
    expect(d.totalLag).toBe(4);
    const p0 = d.partitions.find((p) => p.partition === 0)!;
    expect(p0).toMatchObject({ committedOffset: '5', logEndOffset: '9', lag: 4 });
    expect(p0.timeLagMs).toBeGreaterThan(0);
    expect(d.partitions.find((p) => p.partition === 1)).toMatchObject({ lag: 0, timeLagMs: 0 });
  });

  it('plans and applies offset resets; the dry-run matches the apply', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    const base = { clusterId: sb, groupId: 'g1', topics: [{ topic: TOPIC }] };
    const plan = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'shift', by: -3 }, dryRun: true });
    expect(plan.applied).toBe(false);
    expect(plan.rows.map((r) => [r.partition, r.before, r.after])).toEqual([[0, '5', '2'], [1, '5', '2']]);
    const applied = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'shift', by: -3 }, dryRun: false });
    expect(applied).toEqual({ ...plan, applied: true });
    const after = await h.api.call('groups.get', { clusterId: sb, groupId: 'g1' });
    expect(after.partitions.map((p) => p.committedOffset)).toEqual(['2', '2']);

    const earliest = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'earliest' } });
    expect(earliest.rows.map((r) => r.after)).toEqual(['0', '0']);
    const latest = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'latest' } });
    expect(latest.rows.map((r) => r.after)).toEqual(['9', '5']);
    const clamped = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'offset', offset: '7' } });
    expect(clamped.rows.map((r) => r.after)).toEqual(['7', '5']);
    const future = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'timestamp', timestamp: Date.now() + 60_000 } });
    expect(future.rows.map((r) => r.after)).toEqual(['9', '5']);
    const past = await h.api.call('groups.resetOffsets', { ...base, strategy: { kind: 'timestamp', timestamp: 0 } });
    expect(past.rows.map((r) => r.after)).toEqual(['0', '0']);
    const onlyP1 = await h.api.call('groups.resetOffsets', { ...base, topics: [{ topic: TOPIC, partitions: [1] }], strategy: { kind: 'earliest' }, dryRun: false });
    expect(onlyP1.rows.map((r) => [r.partition, r.after])).toEqual([[1, '0']]);
    const copy = await h.api.call('groups.resetOffsets', { clusterId: sb, groupId: 'g2', topics: [{ topic: TOPIC }], strategy: { kind: 'group', groupId: 'g1' }, dryRun: false });
    expect(copy.rows.map((r) => r.after)).toEqual(['2', '0']);
    expect((await h.api.call('groups.get', { clusterId: sb, groupId: 'g2' })).partitions.map((p) => p.committedOffset)).toEqual(['2', '0']);
  });

  it('shows members and refuses to reset or delete an active group', async (ctx) => {
    if (!groupsSupported) ctx.skip();
    const consumer = await runConsumer('g1', (n) => n > 0);
    try {
      const d = await waitFor(async () => {
        const g = await h.api.call('groups.get', { clusterId: sb, groupId: 'g1' });
        return g.state === 'Stable' && g.members.length === 1 ? g : null;
      }, 20_000, 'stable group');
      expect(d.members[0]).toMatchObject({ clientId: 'group-test-client', assignments: [{ topic: TOPIC, partitions: [0, 1] }] });
      expect(d.members[0]!.host).toMatch(/127\.0\.0\.1/);
      expect(d.partitions.every((p) => p.memberId === d.members[0]!.memberId)).toBe(true);
      const base = { clusterId: sb, groupId: 'g1', topics: [{ topic: TOPIC }], strategy: { kind: 'earliest' as const } };
      expect((await h.api.call('groups.resetOffsets', { ...base, dryRun: true })).applied).toBe(false);
      await expect(h.api.call('groups.resetOffsets', { ...base, dryRun: false })).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
      await expect(h.api.call('groups.delete', { clusterId: sb, groupId: 'g1' })).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    } finally {
      await consumer.disconnect();
    }
    expect(await h.api.call('groups.delete', { clusterId: sb, groupId: 'g2' })).toEqual({ ok: true });
    await expect(h.api.call('groups.get', { clusterId: sb, groupId: 'g2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
