// The consumer-group APIs over raw requests: coordinator lookup, the join/sync/heartbeat
// state machine, static membership, session and rebalance timeouts, offsets, admin APIs, and
// Kafka's error code for each kind of bad input.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { placeKey } from '../../embedded-broker/group/coordinator-placement.js';
import { API, E, GroupKit, joinBody, joinTwoStep, subscription } from './groups-raw-kit.js';

let cluster: TestCluster;
let kit: GroupKit;

beforeAll(async () => {
  cluster = await startTestCluster({ config: { 'group.min.session.timeout.ms': '300', 'group.max.session.timeout.ms': '60000' } });
  kit = new GroupKit(cluster.bootstrap);
  const c = await kit.client(cluster.bootstrap[0]!);
  const res = await c.request(19, 4, { topics: [{ name: 't', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }, { name: 'u', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics.map((t: any) => t.errorCode)).toEqual([0, 0]);
}, 30_000);

afterEach(() => kit.closeAll());
afterAll(async () => cluster?.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function describeGroup(groupId: string): Promise<any> {
  const c = await kit.member(groupId);
  return (await c.request(API.DescribeGroups, 4, { groups: [groupId], includeAuthorizedOperations: false })).groups[0];
}

async function stableMember(groupId: string, o: Parameters<typeof joinTwoStep>[2] = {}) {
  const c = await kit.member(groupId);
  const j = await joinTwoStep(c, groupId, o);
  expect(j.errorCode).toBe(E.NONE);
  const s = await c.request(API.SyncGroup, 3, { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: o.groupInstanceId ?? null, assignments: j.leader === j.memberId ? [{ memberId: j.memberId, assignment: Buffer.from('A') }] : [] });
  expect(s.errorCode).toBe(E.NONE);
  return { c, memberId: j.memberId as string, generationId: j.generationId as number };
}

describe('FindCoordinator', () => {
  it('names the same running broker from every node, in single and batched forms', async () => {
    const answers = new Set<number>();
    for (const b of cluster.bootstrap) {
      const c = await kit.client(b);
      for (const v of [0, 1, 2, 3]) answers.add((await c.request(API.FindCoordinator, v, { key: 'g-find', keyType: 0 })).nodeId);
      const batched = await c.request(API.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g-find', 'other', 'third'] });
      expect(batched.coordinators.map((x: any) => x.key)).toEqual(['g-find', 'other', 'third']);
      answers.add(batched.coordinators[0].nodeId);
    }
    expect(answers.size).toBe(1);
    const c = await kit.client(cluster.bootstrap[0]!);
    expect((await c.request(API.FindCoordinator, 3, { key: 'txn-1', keyType: 1 })).errorCode).toBe(E.NONE);
    expect((await c.request(API.FindCoordinator, 3, { key: 'x', keyType: 7 })).errorCode).toBe(E.INVALID_REQUEST);
    expect((await c.request(API.FindCoordinator, 6, { keyType: 7, coordinatorKeys: ['x'] })).coordinators[0].errorCode).toBe(E.INVALID_REQUEST);
  });

  it('answers NOT_COORDINATOR at other brokers', async () => {
    const c = await kit.nonCoordinator('g-nc');
    expect((await c.request(API.JoinGroup, 5, joinBody('g-nc'))).errorCode).toBe(E.NOT_COORDINATOR);
    expect((await c.request(API.Heartbeat, 3, { groupId: 'g-nc', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode).toBe(E.NOT_COORDINATOR);
    const fetched = await c.request(API.OffsetFetch, 1, { groupId: 'g-nc', topics: [{ name: 't', partitionIndexes: [0] }] });
    expect(fetched.topics[0].partitions[0].errorCode).toBe(E.NOT_COORDINATOR);
    expect((await c.request(API.OffsetFetch, 7, { groupId: 'g-nc', topics: null, requireStable: false })).errorCode).toBe(E.NOT_COORDINATOR);
  });
});

describe('JoinGroup / SyncGroup / Heartbeat', () => {
  it('requires a member id first from v4, gives the leader the member metadata, and completes the sync', async () => {
    const c = await kit.member('g-two-step');
    const first = await c.request(API.JoinGroup, 5, joinBody('g-two-step'));
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^keel-raw-client-/);
    const j = await c.request(API.JoinGroup, 9, joinBody('g-two-step', { memberId: first.memberId }));
    expect(j).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId, memberId: first.memberId });
    expect(j.members).toHaveLength(1);
    expect(Buffer.from(j.members[0].metadata).equals(subscription(['t']))).toBe(true);
    const s = await c.request(API.SyncGroup, 5, { groupId: 'g-two-step', generationId: 1, memberId: j.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: j.memberId, assignment: Buffer.from([1, 2, 3]) }] });
    expect(s).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect([...s.assignment]).toEqual([1, 2, 3]);
    expect((await c.request(API.Heartbeat, 4, { groupId: 'g-two-step', generationId: 1, memberId: j.memberId, groupInstanceId: null })).errorCode).toBe(E.NONE);
    // v0 has no two-step join and no rebalance timeout.
    const v0 = await (await kit.member('g-v0')).request(API.JoinGroup, 0, joinBody('g-v0'));
    expect(v0).toMatchObject({ errorCode: 0, generationId: 1 });
    const d = await describeGroup('g-two-step');
    expect(d).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d.members[0]).toMatchObject({ clientId: 'keel-raw-client', clientHost: '/127.0.0.1' });
    expect([...d.members[0].memberAssignment]).toEqual([1, 2, 3]);
  });

  it('rejects bad input with Kafka\'s codes', async () => {
    const c = await kit.member('g-bad');
    expect((await c.request(API.JoinGroup, 5, joinBody('g-bad', { sessionTimeoutMs: 100 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await c.request(API.JoinGroup, 5, joinBody('g-bad', { sessionTimeoutMs: 70_000 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    const huge = Buffer.alloc(1024 * 1024 + 1);
    expect((await c.request(API.JoinGroup, 5, joinBody('g-bad', { protocols: [{ name: 'range', metadata: huge }] }))).errorCode).toBe(E.INVALID_REQUEST);
    const any = await kit.client(cluster.bootstrap[0]!);
    expect((await any.request(API.JoinGroup, 5, joinBody(''))).errorCode).toBe(E.INVALID_GROUP_ID);
    expect((await c.request(API.JoinGroup, 5, joinBody('g-bad', { memberId: 'nobody' }))).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await c.request(API.Heartbeat, 3, { groupId: 'g-bad', generationId: 1, memberId: 'nobody', groupInstanceId: null })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    const { memberId, generationId } = await stableMember('g-bad');
    expect((await c.request(API.Heartbeat, 3, { groupId: 'g-bad', generationId: generationId + 5, memberId, groupInstanceId: null })).errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await c.request(API.SyncGroup, 3, { groupId: 'g-bad', generationId: generationId - 1, memberId, groupInstanceId: null, assignments: [] })).errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await c.request(API.SyncGroup, 5, { groupId: 'g-bad', generationId, memberId, groupInstanceId: null, protocolType: 'connect', protocolName: null, assignments: [] })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    // A newcomer sharing no protocol with the group cannot join it.
    const odd = await c.request(API.JoinGroup, 5, joinBody('g-bad', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }));
    expect(odd.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('rebalances when a member joins, selects the protocol by vote, and tells the old member by heartbeat', async () => {
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const a = await stableMember('g-vote', { protocols: p('x', 'y') });
    const b = await kit.member('g-vote');
    const bJoin = joinTwoStep(b, 'g-vote', { protocols: p('y', 'x') });
    const cc = await kit.member('g-vote');
    const cJoin = joinTwoStep(cc, 'g-vote', { protocols: p('y', 'x') });
    await sleep(100);
    expect((await a.c.request(API.Heartbeat, 3, { groupId: 'g-vote', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null })).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    expect((await describeGroup('g-vote')).groupState).toBe('PreparingRebalance');
    const aJoin = await a.c.request(API.JoinGroup, 5, joinBody('g-vote', { memberId: a.memberId, protocols: p('x', 'y') }));
    const [bj, cj] = await Promise.all([bJoin, cJoin]);
    for (const j of [aJoin, bj, cj]) expect(j).toMatchObject({ errorCode: 0, generationId: a.generationId + 1, protocolName: 'y', leader: a.memberId });
    expect(aJoin.members).toHaveLength(3);
    expect(bj.members).toHaveLength(0);
    expect((await describeGroup('g-vote')).groupState).toBe('CompletingRebalance');
    // A heartbeat between join and sync is fine; a follower's sync waits for the leader's.
    expect((await b.request(API.Heartbeat, 3, { groupId: 'g-vote', generationId: bj.generationId, memberId: bj.memberId, groupInstanceId: null })).errorCode).toBe(E.NONE);
    const bSync = b.request(API.SyncGroup, 3, { groupId: 'g-vote', generationId: bj.generationId, memberId: bj.memberId, groupInstanceId: null, assignments: [] });
    const aSync = await a.c.request(API.SyncGroup, 3, { groupId: 'g-vote', generationId: aJoin.generationId, memberId: a.memberId, groupInstanceId: null, assignments: [{ memberId: bj.memberId, assignment: Buffer.from('B') }, { memberId: 'ghost', assignment: Buffer.from('G') }] });
    expect(aSync.errorCode).toBe(0);
    expect(aSync.assignment.length).toBe(0);
    expect((await bSync).assignment.toString()).toBe('B');
    // c never synced yet: it still gets its (empty) share once it asks.
    const cs = await cc.request(API.SyncGroup, 3, { groupId: 'g-vote', generationId: cj.generationId, memberId: cj.memberId, groupInstanceId: null, assignments: [] });
    expect(cs.errorCode).toBe(0);
    // A known member re-joining with unchanged metadata in Stable does not start a rebalance.
    const again = await b.request(API.JoinGroup, 5, joinBody('g-vote', { memberId: bj.memberId, protocols: p('y', 'x') }));
    expect(again).toMatchObject({ errorCode: 0, generationId: bj.generationId });
    expect((await describeGroup('g-vote')).groupState).toBe('Stable');
  });

  it('drops members whose session lapses and members that do not rejoin within the rebalance timeout', async () => {
    const a = await stableMember('g-timeouts', { sessionTimeoutMs: 5000, rebalanceTimeoutMs: 600 });
    const b = await kit.member('g-timeouts');
    const started = Date.now();
    const bj = await joinTwoStep(b, 'g-timeouts', { sessionTimeoutMs: 400, rebalanceTimeoutMs: 600 });
    // a never re-joined: the join phase ended after the largest rebalance timeout, without it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(bj).toMatchObject({ errorCode: 0, generationId: a.generationId + 1, leader: bj.memberId });
    expect(bj.members).toHaveLength(1);
    expect((await a.c.request(API.Heartbeat, 3, { groupId: 'g-timeouts', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    await b.request(API.SyncGroup, 3, { groupId: 'g-timeouts', generationId: bj.generationId, memberId: bj.memberId, groupInstanceId: null, assignments: [] });
    // b stops heartbeating: after its 400 ms session it is gone and the group is Empty.
    await sleep(900);
    const d = await describeGroup('g-timeouts');
    expect(d.groupState).toBe('Empty');
    expect(d.members).toHaveLength(0);
  });

  it('lets a static member come back without a rebalance and fences its old incarnation', async () => {
    const first = await stableMember('g-static', { groupInstanceId: 'host-1' });
    const d1 = await describeGroup('g-static');
    expect(d1.members[0].groupInstanceId).toBe('host-1');
    const c = await kit.member('g-static');
    // A static member's join has no MEMBER_ID_REQUIRED round trip.
    const back = await c.request(API.JoinGroup, 5, joinBody('g-static', { groupInstanceId: 'host-1' }));
    expect(back.errorCode).toBe(E.NONE);
    expect(back.generationId).toBe(first.generationId);
    expect(back.memberId).not.toBe(first.memberId);
    const s = await c.request(API.SyncGroup, 3, { groupId: 'g-static', generationId: back.generationId, memberId: back.memberId, groupInstanceId: 'host-1', assignments: [] });
    expect(s.assignment.toString()).toBe('A');
    expect((await first.c.request(API.Heartbeat, 3, { groupId: 'g-static', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'host-1' })).errorCode).toBe(E.FENCED_INSTANCE_ID);
    expect((await first.c.request(API.OffsetCommit, 7, { groupId: 'g-static', generationIdOrMemberEpoch: first.generationId, memberId: first.memberId, groupInstanceId: 'host-1', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] })).topics[0].partitions[0].errorCode).toBe(E.FENCED_INSTANCE_ID);
    expect((await describeGroup('g-static')).groupState).toBe('Stable');
    // v3+ LeaveGroup removes a static member by instance id.
    const left = await c.request(API.LeaveGroup, 4, { groupId: 'g-static', members: [{ memberId: '', groupInstanceId: 'host-1', reason: null }, { memberId: 'ghost', groupInstanceId: null, reason: null }] });
    expect(left.errorCode).toBe(E.NONE);
    expect(left.members.map((m: any) => m.errorCode)).toEqual([E.NONE, E.UNKNOWN_MEMBER_ID]);
    expect((await describeGroup('g-static')).groupState).toBe('Empty');
  });
});

describe('offsets', () => {
  const part = (partitionIndex: number, committedOffset: number, committedMetadata: string | null = null) => ({ partitionIndex, committedOffset, committedLeaderEpoch: 3, commitTimestamp: -1, committedMetadata });

  it('accepts group-less commits and refuses outsiders while the group has members', async () => {
    const c = await kit.member('g-simple');
    const res = await c.request(API.OffsetCommit, 7, { groupId: 'g-simple', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [part(0, 10, 'meta'), part(9, 1)] }, { name: 'nope', partitions: [part(0, 1)] }, { name: 'u', partitions: [part(1, 5, 'x'.repeat(4097))] }] });
    expect(res.topics.map((t: any) => t.partitions.map((p: any) => p.errorCode))).toEqual([[E.NONE, E.UNKNOWN_TOPIC_OR_PARTITION], [E.UNKNOWN_TOPIC_OR_PARTITION], [E.OFFSET_METADATA_TOO_LARGE]]);
    const f = await c.request(API.OffsetFetch, 7, { groupId: 'g-simple', topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable: false });
    expect(f.topics[0].partitions).toEqual([
      { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 },
      { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
    ]);
    // A stale generation for a group that does not exist is refused.
    const stale = await (await kit.member('g-nonexistent')).request(API.OffsetCommit, 7, { groupId: 'g-nonexistent', generationIdOrMemberEpoch: 4, memberId: 'm', groupInstanceId: null, topics: [{ name: 't', partitions: [part(0, 1)] }] });
    expect(stale.topics[0].partitions[0].errorCode).toBe(E.ILLEGAL_GENERATION);

    const m = await stableMember('g-active');
    const outsider = await m.c.request(API.OffsetCommit, 2, { groupId: 'g-active', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 't', partitions: [part(0, 1)] }] });
    expect(outsider.topics[0].partitions[0].errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    const old = await m.c.request(API.OffsetCommit, 7, { groupId: 'g-active', generationIdOrMemberEpoch: m.generationId - 1, memberId: m.memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [part(0, 1)] }] });
    expect(old.topics[0].partitions[0].errorCode).toBe(E.ILLEGAL_GENERATION);
    const ok = await m.c.request(API.OffsetCommit, 9, { groupId: 'g-active', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [part(2, 7)] }] });
    expect(ok.topics[0].partitions[0].errorCode).toBe(E.NONE);
    // v8+: several groups at once, null topics meaning everything committed; each group is
    // answered by its own coordinator, so pick a neighbour that shares this one.
    const all = [true, true, true];
    const neighbour = Array.from({ length: 50 }, (_, i) => `g-neighbour-${i}`).find((g) => placeKey(g, all) === placeKey('g-active', all))!;
    const elsewhere = Array.from({ length: 50 }, (_, i) => `g-far-${i}`).find((g) => placeKey(g, all) !== placeKey('g-active', all))!;
    await m.c.request(API.OffsetCommit, 8, { groupId: neighbour, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'u', partitions: [part(1, 10)] }] });
    const multi = await m.c.request(API.OffsetFetch, 8, { groups: [{ groupId: 'g-active', topics: null }, { groupId: neighbour, topics: [{ name: 'u', partitionIndexes: [1] }] }, { groupId: elsewhere, topics: null }], requireStable: false });
    expect(multi.groups.map((g: any) => [g.groupId, g.errorCode, g.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.committedOffset)])])).toEqual([
      ['g-active', 0, [['t', [7]]]],
      [neighbour, 0, [['u', [10]]]],
      [elsewhere, E.NOT_COORDINATOR, []],
    ]);
  });

  it('deletes offsets and groups only when Kafka allows it', async () => {
    const m = await stableMember('g-del', { protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    await m.c.request(API.OffsetCommit, 7, { groupId: 'g-del', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [part(0, 4)] }, { name: 'u', partitions: [part(0, 4)] }] });
    const od = await m.c.request(API.OffsetDelete, 0, { groupId: 'g-del', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'u', partitions: [{ partitionIndex: 0 }] }] });
    expect(od.errorCode).toBe(0);
    expect(od.topics.map((t: any) => t.partitions[0].errorCode)).toEqual([E.GROUP_SUBSCRIBED_TO_TOPIC, E.NONE]);
    const dg = await m.c.request(API.DeleteGroups, 1, { groupsNames: ['g-del'] });
    expect(dg.results).toEqual([{ groupId: 'g-del', errorCode: E.NON_EMPTY_GROUP }]);
    const never = await (await kit.member('g-never')).request(API.DeleteGroups, 0, { groupsNames: ['g-never'] });
    expect(never.results).toEqual([{ groupId: 'g-never', errorCode: E.GROUP_ID_NOT_FOUND }]);
    const listed = await m.c.request(API.ListGroups, 4, { statesFilter: ['stable'] });
    expect(listed.groups.map((g: any) => g.groupId)).toContain('g-del');
    expect(listed.groups.every((g: any) => g.groupState === 'Stable')).toBe(true);
    expect((await m.c.request(API.LeaveGroup, 1, { groupId: 'g-del', memberId: m.memberId })).errorCode).toBe(E.NONE);
    expect((await m.c.request(API.LeaveGroup, 1, { groupId: 'g-del', memberId: m.memberId })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await m.c.request(API.DeleteGroups, 2, { groupsNames: ['g-del'] })).results[0].errorCode).toBe(E.NONE);
    const f = await m.c.request(API.OffsetFetch, 7, { groupId: 'g-del', topics: null, requireStable: false });
    expect(f.topics).toEqual([]);
    expect((await describeGroup('g-del')).groupState).toBe('Dead');
    expect((await m.c.request(API.OffsetDelete, 0, { groupId: 'g-del', topics: [] })).errorCode).toBe(E.GROUP_ID_NOT_FOUND);
  });
});

describe('initial rebalance delay', () => {
  it('holds the first join for group.initial.rebalance.delay.ms so more members can arrive', async () => {
    const delayed = await startTestCluster({ config: { 'group.initial.rebalance.delay.ms': '400', 'group.min.session.timeout.ms': '300' } });
    const dk = new GroupKit(delayed.bootstrap);
    try {
      const a = await dk.member('g-delay');
      const b = await dk.member('g-delay');
      const started = Date.now();
      const aj = joinTwoStep(a, 'g-delay');
      await sleep(100);
      const bj = joinTwoStep(b, 'g-delay');
      const [ra, rb] = await Promise.all([aj, bj]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(ra.generationId).toBe(1);
      expect(rb.generationId).toBe(1);
    } finally {
      dk.closeAll();
      await delayed.destroy();
    }
  });
});
