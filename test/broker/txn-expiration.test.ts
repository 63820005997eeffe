// TxnOffsetCommit v3+ checks the consumer's membership (KIP-447), and idle producer state and
// transactional ids expire (producer.id.expiration.ms, transactional.id.expiration.ms) and
// stay expired across a restart. A 1-broker cluster with tiny expiry settings, over the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, tempDir, type TestCluster } from '../helpers/embedded-cluster.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, batch, initPid, produce, rawTo } from './txn-raw-kit.js';
import { joinTwoStep, subscription } from './groups-raw-kit.js';

const E = { NONE: 0, OUT_OF_ORDER: 45, ILLEGAL_GENERATION: 22, UNKNOWN_MEMBER_ID: 25, FENCED_INSTANCE_ID: 82 };
const EXPIRY_CONFIG = {
  'producer.id.expiration.ms': '400',
  'producer.id.expiration.check.interval.ms': '50',
  'transactional.id.expiration.ms': '400',
  'transaction.remove.expired.transaction.cleanup.interval.ms': '50',
};
const dataDir = tempDir('keel-txn-expiry-');
let cluster: TestCluster;
let c: RawClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(): Promise<void> {
  cluster = await startTestCluster({ brokers: 1, dataDir, config: EXPIRY_CONFIG });
  c = await rawTo(cluster.bootstrap[0]!);
}

beforeAll(async () => {
  await start();
  const res = await c.request(19, 4, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics[0].errorCode).toBe(0);
}, 30_000);

afterAll(async () => {
  c?.close();
  await cluster?.destroy();
});

async function producersOf(partition: number): Promise<number[]> {
  const res = await c.request(61, 0, { topics: [{ name: 't', partitionIndexes: [partition] }] });
  return res.topics[0].partitions[0].activeProducers.map((p: any) => Number(p.producerId));
}

async function listedTxnIds(): Promise<string[]> {
  const res = await c.request(66, 0, { stateFilters: [], producerIdFilters: [] });
  return res.transactionStates.map((t: any) => t.transactionalId);
}

describe('TxnOffsetCommit v3+ membership', () => {
  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID like OffsetCommit would', async () => {
    const member = await rawTo(cluster.bootstrap[0]!);
    const j = await joinTwoStep(member, 'g-eos', { groupInstanceId: 'inst-1', protocols: [{ name: 'range', metadata: subscription(['t']) }], sessionTimeoutMs: 30_000 });
    expect(j.errorCode).toBe(E.NONE);
    const init = await initPid(c, 'tx-members', { timeoutMs: 60_000 });
    const pid = Number(init.producerId);
    expect((await c.request(25, 3, { transactionalId: 'tx-members', producerId: pid, producerEpoch: 0, groupId: 'g-eos' })).errorCode).toBe(E.NONE);
    const commit = async (generationId: number, memberId: string, groupInstanceId: string | null, version = 3) => {
      const res = await c.request(28, version, {
        transactionalId: 'tx-members', groupId: 'g-eos', producerId: pid, producerEpoch: 0, generationId, memberId, groupInstanceId,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      return res.topics[0].partitions[0].errorCode;
    };
    expect(await commit(j.generationId + 1, j.memberId, 'inst-1')).toBe(E.ILLEGAL_GENERATION);
    expect(await commit(j.generationId, 'someone-else', 'inst-1')).toBe(E.FENCED_INSTANCE_ID);
    expect(await commit(j.generationId, j.memberId, 'inst-unknown')).toBe(E.UNKNOWN_MEMBER_ID);
    expect(await commit(j.generationId, 'someone-else', null)).toBe(E.UNKNOWN_MEMBER_ID);
    expect(await commit(j.generationId, j.memberId, 'inst-1')).toBe(E.NONE);
    expect(await commit(j.generationId, j.memberId, null)).toBe(E.NONE);
    // No member named (a producer not fed by a group consumer), and v0-v2, are not checked.
    expect(await commit(-1, '', null)).toBe(E.NONE);
    expect(await commit(j.generationId + 7, 'x', null, 2)).toBe(E.NONE);
    // A group the coordinator does not know has no such member.
    const res = await c.request(28, 3, {
      transactionalId: 'tx-members', groupId: 'g-nobody', producerId: pid, producerEpoch: 0, generationId: 1, memberId: 'm', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(res.topics[0].partitions[0].errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    member.close();
  });
});

describe('producer and transactional id expiration', () => {
  it('forgets idle producers and idle transactional ids, keeps open transactions, and stays that way after a restart', async () => {
    const idle = Number((await initPid(c, null)).producerId);
    expect((await produce(c, 't', 1, batch({ producerId: idle, epoch: 0, seq: 0, count: 3 }))).errorCode).toBe(E.NONE);
    expect(await producersOf(1)).toContain(idle);
    // Before expiry a gap is refused.
    expect((await produce(c, 't', 1, batch({ producerId: idle, epoch: 0, seq: 9 }))).errorCode).toBe(E.OUT_OF_ORDER);

    const done = await initPid(c, 'tx-idle', { timeoutMs: 60_000 });
    const open = await initPid(c, 'tx-open', { timeoutMs: 60_000 });
    const openPid = Number(open.producerId);
    expect(await addPartitions(c, 'tx-open', openPid, 0, 't', [1])).toEqual([0]);
    expect((await produce(c, 't', 1, batch({ producerId: openPid, epoch: 0, seq: 0, transactional: true }), 'tx-open')).errorCode).toBe(E.NONE);

    await sleep(900);
    expect(await producersOf(1)).toEqual([openPid]);
    const ids = await listedTxnIds();
    expect(ids).toContain('tx-open');
    expect(ids).not.toContain('tx-idle');
    // The forgotten producer's next batch is a new producer's: any sequence is taken (KIP-360).
    expect((await produce(c, 't', 1, batch({ producerId: idle, epoch: 0, seq: 9 }))).errorCode).toBe(E.NONE);

    c.close();
    await cluster.close();
    // Down long enough for the producer that came back to go idle: only the rebuilt state can expire it.
    await sleep(500);
    await start();
    expect(await listedTxnIds()).not.toContain('tx-idle');
    expect(await listedTxnIds()).toContain('tx-open');
    // The log opens lazily after the restart and expires it as its state is rebuilt, before any
    // periodic check; the open transaction's producer stays.
    expect(await producersOf(1)).toEqual([openPid]);
    // An expired transactional id starts over: a new producer id at epoch 0.
    const again = await initPid(c, 'tx-idle', { timeoutMs: 60_000 });
    expect(again.errorCode).toBe(E.NONE);
    expect(Number(again.producerId)).not.toBe(Number(done.producerId));
    expect(again.producerEpoch).toBe(0);
  }, 30_000);
});
