// Group limits and offset retention on a running 1-broker cluster, over the raw wire:
// group.max.size (GROUP_MAX_SIZE_REACHED), offsets of topics a Stable consumer group no longer
// subscribes to expiring after offsets.retention.minutes, and the expiry check running every
// offsets.retention.check.interval.ms.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../embedded-broker/cluster/cluster.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import { tempDir } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { API, E, joinBody, joinTwoStep, subscription } from './groups-raw-kit.js';

let cluster: Cluster;
let dir: string;
const clients: RawClient[] = [];

beforeAll(async () => {
  dir = tempDir('keel-group-limits-');
  cluster = await Cluster.start({
    dataDir: dir,
    brokers: 1,
    ports: 0,
    logger: () => {},
    config: { 'group.max.size': '2', 'offsets.retention.minutes': '1', 'offsets.retention.check.interval.ms': '100', 'group.min.session.timeout.ms': '300' },
  });
  const c = await client();
  const res = await c.request(19, 4, { topics: ['t', 'old'].map((name) => ({ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
  expect(res.topics.map((t: any) => t.errorCode)).toEqual([0, 0]);
}, 30_000);

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await cluster?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connectTo(`127.0.0.1:${cluster.nodes[0]!.port}`);
  clients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stableSingleMember(groupId: string, topics: string[]) {
  const c = await client();
  const j = await joinTwoStep(c, groupId, { protocols: [{ name: 'range', metadata: subscription(topics) }], sessionTimeoutMs: 10_000 });
  expect(j.errorCode).toBe(E.NONE);
  const s = await c.request(API.SyncGroup, 3, { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, assignments: [{ memberId: j.memberId, assignment: Buffer.alloc(0) }] });
  expect(s.errorCode).toBe(E.NONE);
  return { c, memberId: j.memberId as string, generationId: j.generationId as number };
}

describe('group.max.size', () => {
  it('turns away a member that would make the group larger than the limit', async () => {
    const [a, b, third] = [await client(), await client(), await client()];
    const aJoin = joinTwoStep(a, 'g-max', { rebalanceTimeoutMs: 2000 });
    const bJoin = joinTwoStep(b, 'g-max', { rebalanceTimeoutMs: 2000 });
    const [aj, bj] = await Promise.all([aJoin, bJoin]);
    expect([aj.errorCode, bj.errorCode]).toEqual([E.NONE, E.NONE]);
    const leader = aj.leader === aj.memberId ? { c: a, j: aj } : { c: b, j: bj };
    const follower = leader.c === a ? { c: b, j: bj } : { c: a, j: aj };
    const sync = (x: typeof leader) => x.c.request(API.SyncGroup, 3, { groupId: 'g-max', generationId: x.j.generationId, memberId: x.j.memberId, groupInstanceId: null, assignments: [] });
    expect((await Promise.all([sync(leader), sync(follower)])).map((s) => s.errorCode)).toEqual([E.NONE, E.NONE]);
    // Stable with two members: a third, both in one step (v3) and in two steps (v5), is refused.
    expect((await third.request(API.JoinGroup, 3, joinBody('g-max'))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect((await joinTwoStep(third, 'g-max')).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    // Existing members still re-join.
    const again = await follower.c.request(API.JoinGroup, 5, joinBody('g-max', { memberId: follower.j.memberId }));
    expect(again.errorCode).toBe(E.NONE);
    expect(cluster.groups.groups.get('g-max')!.members.size).toBe(2);
  });
});

describe('offset retention', () => {
  it('expires offsets of topics a Stable consumer group no longer subscribes to, keeps the subscribed ones', async () => {
    const m = await stableSingleMember('g-moved-on', ['t']);
    const commit = await m.c.request(API.OffsetCommit, 7, {
      groupId: 'g-moved-on', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null,
      topics: ['t', 'old'].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] })),
    });
    expect(commit.topics.map((t: any) => t.partitions[0].errorCode)).toEqual([E.NONE, E.NONE]);
    const group = cluster.groups.groups.get('g-moved-on')!;
    expect(group.state).toBe('Stable');
    const committedAt = cluster.groups.store.get('g-moved-on', 'old', 0)!.commitTimestamp;
    cluster.groups.expireOffsets(committedAt + 30_000);
    expect(cluster.groups.store.get('g-moved-on', 'old', 0)?.offset).toBe(5);
    cluster.groups.expireOffsets(committedAt + 60_000);
    expect(cluster.groups.store.get('g-moved-on', 'old', 0)).toBeUndefined();
    // Subscribed topics keep their offsets however old, while the group is active.
    cluster.groups.expireOffsets(committedAt + 10 * 60_000);
    expect(cluster.groups.store.get('g-moved-on', 't', 0)?.offset).toBe(5);
    expect(cluster.groups.groups.has('g-moved-on')).toBe(true);
  });

  it('keeps every offset of a group that is rebalancing or does not use the consumer protocol', async () => {
    const c = await client();
    const j = await joinTwoStep(c, 'g-connect', { protocols: [{ name: 'v1', metadata: Buffer.from('x') }] });
    expect(j.errorCode).toBe(E.NONE);
    const group = cluster.groups.groups.get('g-connect')!;
    group.protocolType = 'connect';
    const now = Date.now();
    await cluster.groups.store.commit('g-connect', [{ topic: 'old', partition: 1, value: { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: null } }]);
    cluster.groups.expireOffsets(now + 10 * 60_000);
    expect(cluster.groups.store.get('g-connect', 'old', 1)?.offset).toBe(1);
  });

  it('runs the expiry check every offsets.retention.check.interval.ms', async () => {
    const longAgo = Date.now() - 2 * 60_000;
    cluster.groups.getOrCreate('g-simple');
    await cluster.groups.store.commit('g-simple', [{ topic: 't', partition: 1, value: { offset: 3, leaderEpoch: -1, metadata: '', commitTimestamp: longAgo, expireTimestamp: null } }]);
    expect(cluster.groups.store.get('g-simple', 't', 1)?.offset).toBe(3);
    const deadline = Date.now() + 3000;
    while (cluster.groups.store.get('g-simple', 't', 1) && Date.now() < deadline) await sleep(20);
    expect(cluster.groups.store.get('g-simple', 't', 1)).toBeUndefined();
    expect(cluster.groups.groups.has('g-simple')).toBe(false);
  });
});
