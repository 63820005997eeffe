// Idempotence and transactions on the raw wire against a 1-broker cluster (every coordinator
// and leader is node 1): duplicates answered with the original offset, sequence gaps, stale
// epochs, transactional produce to a partition not in the transaction, fenced EndTxn, timeout
// bounds, the last stable offset and the aborted-transaction list, and the introspection APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, batch, endTxn, fetchOnce, initPid, latestOffset, produce, rawTo } from './txn-raw-kit.js';

const E = { OUT_OF_ORDER: 45, INVALID_PRODUCER_EPOCH: 47, INVALID_TXN_STATE: 48, INVALID_TIMEOUT: 50, PRODUCER_FENCED: 90, INVALID_PID_MAPPING: 49 };
let cluster: TestCluster;
let c: RawClient;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1 });
  c = await rawTo(cluster.bootstrap[0]!);
  const res = await c.request(19, 4, { topics: [{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(res.topics[0].errorCode).toBe(0);
}, 30_000);

afterAll(async () => {
  c?.close();
  await cluster?.destroy();
});

describe('idempotent producer sequences', () => {
  it('answers a retried batch with its original offset, rejects gaps and stale epochs', async () => {
    const init = await initPid(c, null);
    expect(init.errorCode).toBe(0);
    const pid = Number(init.producerId);
    expect(pid).toBeGreaterThanOrEqual(0);

    expect(await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 0, count: 3 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    // The same batch again (a retry): success with the first write's offset, nothing appended.
    expect(await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 0, count: 3 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await latestOffset(c, 't', 0, 0)).toBe(3);
    expect(await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 3, count: 2 }))).toEqual({ errorCode: 0, baseOffset: 3 });
    // An older batch of the window is still recognised.
    expect(await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 0, count: 3 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    // A gap.
    expect((await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 9 }))).errorCode).toBe(E.OUT_OF_ORDER);
    // A new epoch must start at sequence 0.
    expect((await produce(c, 't', 0, batch({ producerId: pid, epoch: 1, seq: 5 }))).errorCode).toBe(E.OUT_OF_ORDER);
    expect((await produce(c, 't', 0, batch({ producerId: pid, epoch: 1, seq: 0 }))).errorCode).toBe(0);
    // The old epoch is fenced now.
    expect((await produce(c, 't', 0, batch({ producerId: pid, epoch: 0, seq: 5 }))).errorCode).toBe(E.INVALID_PRODUCER_EPOCH);
    expect(await latestOffset(c, 't', 0, 0)).toBe(6);

    // Producer ids are never handed out twice.
    const again = await initPid(c, null);
    expect(Number(again.producerId)).not.toBe(pid);
  });

  it('accepts an unknown producer at any sequence (Kafka 2.5+, KIP-360)', async () => {
    expect((await produce(c, 't', 1, batch({ producerId: 777_777, epoch: 3, seq: 42 }))).errorCode).toBe(0);
    expect((await produce(c, 't', 1, batch({ producerId: 777_777, epoch: 3, seq: 44 }))).errorCode).toBe(E.OUT_OF_ORDER);
  });
});

describe('transactions on the wire', () => {
  it('refuses a bad transaction timeout', async () => {
    expect((await initPid(c, 'tx-timeout', { timeoutMs: 900_001 })).errorCode).toBe(E.INVALID_TIMEOUT);
    expect((await initPid(c, 'tx-timeout', { timeoutMs: 0 })).errorCode).toBe(E.INVALID_TIMEOUT);
  });

  it('fences, aborts and commits with Kafka errors, LSO and aborted lists', async () => {
    const first = await initPid(c, 'tx-a');
    expect(first.errorCode).toBe(0);
    const pid = Number(first.producerId);
    const epoch = first.producerEpoch;
    const start = await latestOffset(c, 't', 2, 0);

    // Not added to the transaction yet.
    expect((await produce(c, 't', 2, batch({ producerId: pid, epoch, seq: 0, transactional: true }), 'tx-a')).errorCode).toBe(E.INVALID_TXN_STATE);
    expect(await addPartitions(c, 'tx-a', pid, epoch, 't', [2])).toEqual([0]);
    expect(await addPartitions(c, 'tx-a', pid + 1, epoch, 't', [2])).toEqual([E.INVALID_PID_MAPPING]);
    expect((await produce(c, 't', 2, batch({ producerId: pid, epoch, seq: 0, count: 2, transactional: true, prefix: 'aborted' }), 'tx-a')).errorCode).toBe(0);

    // Open transaction: read_committed stops at its first offset.
    expect(await latestOffset(c, 't', 2, 1)).toBe(start);
    expect(await latestOffset(c, 't', 2, 0)).toBe(start + 2);
    const open = await fetchOnce(c, 't', 2, start, 1);
    expect(open.values).toEqual([]);
    expect(open.lastStableOffset).toBe(start);
    expect((await fetchOnce(c, 't', 2, start, 0)).values).toEqual(['aborted0', 'aborted1']);

    // Introspection while open.
    const described = await c.request(65, 0, { transactionalIds: ['tx-a', 'nope'] });
    expect(described.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId: pid, topics: [{ topic: 't', partitions: [2] }] });
    expect(described.transactionStates[1].errorCode).toBe(105);
    const listed = await c.request(66, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 });
    expect(listed.unknownStateFilters).toEqual(['Bogus']);
    expect(listed.transactionStates.map((t: any) => t.transactionalId)).toContain('tx-a');
    const producers = await c.request(61, 0, { topics: [{ name: 't', partitionIndexes: [2] }] });
    expect(producers.topics[0].partitions[0].activeProducers).toEqual([expect.objectContaining({ producerId: pid, currentTxnStartOffset: start, lastSequence: 1 })]);

    // A second instance with the same transactional id fences the first and aborts its transaction.
    const second = await initPid(c, 'tx-a');
    expect(second.errorCode).toBe(0);
    expect(Number(second.producerId)).toBe(pid);
    expect(second.producerEpoch).toBeGreaterThan(epoch);
    expect(await endTxn(c, 'tx-a', pid, epoch, true)).toBe(E.PRODUCER_FENCED);
    expect(await endTxn(c, 'tx-a', pid, epoch, true, 1)).toBe(E.INVALID_PRODUCER_EPOCH);
    expect(await addPartitions(c, 'tx-a', pid, epoch, 't', [2])).toEqual([E.PRODUCER_FENCED]);
    expect((await produce(c, 't', 2, batch({ producerId: pid, epoch, seq: 2, transactional: true }), 'tx-a')).errorCode).toBe(E.INVALID_PRODUCER_EPOCH);
    // KIP-360 InitProducerId from the fenced instance.
    expect((await initPid(c, 'tx-a', { producerId: pid, epoch })).errorCode).toBe(E.PRODUCER_FENCED);
    expect((await initPid(c, 'tx-a', { producerId: pid, epoch, version: 3 })).errorCode).toBe(E.INVALID_PRODUCER_EPOCH);

    // The abort marker is in: read_committed moves on and learns which data was aborted.
    const afterAbort = await fetchOnce(c, 't', 2, start, 1);
    expect(afterAbort.lastStableOffset).toBe(afterAbort.highWatermark);
    expect(afterAbort.abortedTransactions).toEqual([{ producerId: pid, firstOffset: start }]);
    expect(afterAbort.controlBatches).toBe(1);

    // The new epoch commits.
    const e2 = second.producerEpoch;
    expect(await addPartitions(c, 'tx-a', pid, e2, 't', [2])).toEqual([0]);
    expect((await produce(c, 't', 2, batch({ producerId: pid, epoch: e2, seq: 0, count: 2, transactional: true, prefix: 'committed' }), 'tx-a')).errorCode).toBe(0);
    expect(await endTxn(c, 'tx-a', pid, e2, true)).toBe(0);
    expect(await endTxn(c, 'tx-a', pid, e2, true)).toBe(0); // a retried EndTxn
    expect(await endTxn(c, 'tx-a', pid, e2, false)).toBe(E.INVALID_TXN_STATE);
    const committed = await fetchOnce(c, 't', 2, start, 1);
    expect(committed.values).toEqual(['aborted0', 'aborted1', 'committed0', 'committed1']); // raw: the client filters via the aborted list
    expect(committed.abortedTransactions).toEqual([{ producerId: pid, firstOffset: start }]);
    expect(await latestOffset(c, 't', 2, 1)).toBe(await latestOffset(c, 't', 2, 0));
    expect((await c.request(65, 0, { transactionalIds: ['tx-a'] })).transactionStates[0].transactionState).toBe('CompleteCommit');
  });

  it('holds transactional offsets until commit, drops them on abort, and flags them for require_stable', async () => {
    const init = await initPid(c, 'tx-off');
    const pid = Number(init.producerId);
    const e = init.producerEpoch;
    const offsetFetch = async (requireStable: boolean) => {
      const res = await c.request(9, 7, { groupId: 'g-off', topics: [{ name: 't', partitionIndexes: [0] }], requireStable });
      const p = res.topics[0].partitions[0];
      return { errorCode: p.errorCode, offset: Number(p.committedOffset) };
    };
    const txnCommit = async (epoch: number, offset: number) => {
      const res = await c.request(28, 3, { transactionalId: 'tx-off', groupId: 'g-off', producerId: pid, producerEpoch: epoch, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }] });
      return res.topics[0].partitions[0].errorCode;
    };
    // Without AddOffsetsToTxn the group is not part of the transaction.
    expect(await txnCommit(e, 5)).toBe(E.INVALID_TXN_STATE);
    expect((await c.request(25, 3, { transactionalId: 'tx-off', producerId: pid, producerEpoch: e, groupId: 'g-off' })).errorCode).toBe(0);
    expect(await txnCommit(e, 5)).toBe(0);
    expect(await txnCommit(e + 1, 5)).toBe(E.INVALID_PRODUCER_EPOCH);
    expect(await offsetFetch(false)).toEqual({ errorCode: 0, offset: -1 });
    expect(await offsetFetch(true)).toEqual({ errorCode: 88, offset: -1 }); // UNSTABLE_OFFSET_COMMIT
    expect(await endTxn(c, 'tx-off', pid, e, true)).toBe(0);
    expect(await offsetFetch(true)).toEqual({ errorCode: 0, offset: 5 });
    // An aborted transaction's offsets never land.
    expect((await c.request(25, 3, { transactionalId: 'tx-off', producerId: pid, producerEpoch: e, groupId: 'g-off' })).errorCode).toBe(0);
    expect(await txnCommit(e, 9)).toBe(0);
    expect(await endTxn(c, 'tx-off', pid, e, false)).toBe(0);
    expect(await offsetFetch(true)).toEqual({ errorCode: 0, offset: 5 });
  });

  it('aborts a transaction that outlives its timeout and fences its producer', async () => {
    const init = await initPid(c, 'tx-slow', { timeoutMs: 300 });
    const pid = Number(init.producerId);
    expect(await addPartitions(c, 'tx-slow', pid, 0, 't', [1])).toEqual([0]);
    const before = await latestOffset(c, 't', 1, 0);
    expect((await produce(c, 't', 1, batch({ producerId: pid, epoch: 0, seq: 0, transactional: true }), 'tx-slow')).errorCode).toBe(0);
    expect(await latestOffset(c, 't', 1, 1)).toBe(before);
    await new Promise((r) => setTimeout(r, 800));
    expect(await latestOffset(c, 't', 1, 1)).toBe(before + 2); // data + abort marker
    expect(await endTxn(c, 'tx-slow', pid, 0, true)).toBe(E.PRODUCER_FENCED);
  });
});
