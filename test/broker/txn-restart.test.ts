// The whole sandbox restarted (close + startCluster on the same data dir) mid-transaction and
// after commits: committed data stays visible to read_committed, an open transaction is
// aborted when it times out (its clock kept running) or when a new instance fences it,
// producer ids are never reused, and sequence state still de-duplicates a retried batch —
// from the snapshots written at close, and again after deleting them (rebuilt from the log's
// batch headers, as after a crash).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterHandle } from '../../embedded-broker/index.js';
import { tempDir } from '../helpers/embedded-cluster.js';
import { partitionLeaders } from '../helpers/raw-consume.js';
import { RawClient } from '../helpers/raw-client.js';
import { addPartitions, batch, endTxn, fetchOnce, initPid, latestOffset, produce, rawTo } from './txn-raw-kit.js';

const dataDir = tempDir('keel-txn-restart-');
let handle: ClusterHandle | null = null;
const clients: RawClient[] = [];

async function start(): Promise<ClusterHandle> {
  handle = await startCluster({ brokers: 3, host: '127.0.0.1', ports: 0, dataDir, logger: () => {} });
  return handle;
}

async function leaderOf(topic: string, partition: number): Promise<RawClient> {
  const { leaders } = await partitionLeaders(handle!.bootstrap, topic);
  const c = await rawTo(leaders.get(partition)!);
  clients.push(c);
  return c;
}

async function coordinatorOf(txnId: string): Promise<RawClient> {
  const any = await rawTo(handle!.bootstrap[0]!);
  try {
    const res = await any.request(10, 3, { key: txnId, keyType: 1 });
    expect(res.errorCode).toBe(0);
    const c = await rawTo(`${res.host}:${res.port}`);
    clients.push(c);
    return c;
  } finally {
    any.close();
  }
}

function closeClients(): void {
  for (const c of clients.splice(0)) c.close();
}

afterAll(async () => {
  closeClients();
  await handle?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('transactions and sequences across a sandbox restart', () => {
  it('keeps commits, resolves open transactions, never reuses ids, still de-duplicates', async () => {
    await start();
    const admin = await rawTo(handle!.bootstrap[0]!);
    const created = await admin.request(19, 4, { topics: [{ name: 'r', numPartitions: 3, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    admin.close();
    expect(created.topics[0].errorCode).toBe(0);
    await new Promise((r) => setTimeout(r, 300)); // followers start fetching

    // Idempotent producer on r-0.
    const coord = await coordinatorOf('unused');
    const idem = Number((await initPid(coord, null)).producerId);
    const p0 = await leaderOf('r', 0);
    expect(await produce(p0, 'r', 0, batch({ producerId: idem, epoch: 0, seq: 0, count: 2 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(p0, 'r', 0, batch({ producerId: idem, epoch: 0, seq: 2, count: 2 }))).toEqual({ errorCode: 0, baseOffset: 2 });

    // A committed transaction on r-1.
    const cc = await coordinatorOf('r-commit');
    const commit = await initPid(cc, 'r-commit');
    const cpid = Number(commit.producerId);
    expect(await addPartitions(cc, 'r-commit', cpid, 0, 'r', [1])).toEqual([0]);
    const p1 = await leaderOf('r', 1);
    expect((await produce(p1, 'r', 1, batch({ producerId: cpid, epoch: 0, seq: 0, count: 3, transactional: true, prefix: 'c' }), 'r-commit')).errorCode).toBe(0);
    expect(await endTxn(cc, 'r-commit', cpid, 0, true)).toBe(0);

    // Open transactions: one on r-2 that times out soon, one on r-0 that a new instance fences.
    const tc = await coordinatorOf('r-timeout');
    const tpid = Number((await initPid(tc, 'r-timeout', { timeoutMs: 2500 })).producerId);
    expect(await addPartitions(tc, 'r-timeout', tpid, 0, 'r', [2])).toEqual([0]);
    const p2 = await leaderOf('r', 2);
    expect((await produce(p2, 'r', 2, batch({ producerId: tpid, epoch: 0, seq: 0, count: 2, transactional: true }), 'r-timeout')).errorCode).toBe(0);
    const fc = await coordinatorOf('r-fence');
    const fpid = Number((await initPid(fc, 'r-fence')).producerId);
    expect(await addPartitions(fc, 'r-fence', fpid, 0, 'r', [0])).toEqual([0]);
    expect((await produce(p0, 'r', 0, batch({ producerId: fpid, epoch: 0, seq: 0, count: 2, transactional: true }), 'r-fence')).errorCode).toBe(0);
    await new Promise((r) => setTimeout(r, 300)); // let followers copy everything before the restart

    closeClients();
    await handle!.close();
    await start();
    await new Promise((r) => setTimeout(r, 300));

    // Committed data is visible to read_committed.
    const q1 = await leaderOf('r', 1);
    expect((await fetchOnce(q1, 'r', 1, 0, 1)).values).toEqual(['c0', 'c1', 'c2']);
    expect(await latestOffset(q1, 'r', 1, 1)).toBe(4);

    // The open transaction on r-0 still blocks read_committed at offset 4, until fenced.
    const q0 = await leaderOf('r', 0);
    expect(await latestOffset(q0, 'r', 0, 1)).toBe(4);
    // The idempotent producer's retry is still recognised; a gap still refused.
    expect(await produce(q0, 'r', 0, batch({ producerId: idem, epoch: 0, seq: 2, count: 2 }))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect((await produce(q0, 'r', 0, batch({ producerId: idem, epoch: 0, seq: 7 }))).errorCode).toBe(45);
    const fc2 = await coordinatorOf('r-fence');
    const refenced = await initPid(fc2, 'r-fence');
    expect(refenced.errorCode).toBe(0);
    expect(Number(refenced.producerId)).toBe(fpid);
    expect(refenced.producerEpoch).toBeGreaterThan(0);
    expect(await latestOffset(q0, 'r', 0, 1)).toBe(await latestOffset(q0, 'r', 0, 0));
    expect((await fetchOnce(q0, 'r', 0, 0, 1)).abortedTransactions).toEqual([{ producerId: fpid, firstOffset: 4 }]);

    // The transaction on r-2 times out on its original clock and is aborted.
    const q2 = await leaderOf('r', 2);
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline && (await latestOffset(q2, 'r', 2, 1)) < 3) await new Promise((r) => setTimeout(r, 100));
    expect(await latestOffset(q2, 'r', 2, 1)).toBe(3);
    expect((await fetchOnce(q2, 'r', 2, 0, 1)).abortedTransactions).toEqual([{ producerId: tpid, firstOffset: 0 }]);

    // New producer ids never repeat old ones.
    const fresh = Number((await initPid(fc2, null)).producerId);
    expect([idem, cpid, tpid, fpid]).not.toContain(fresh);
    expect(fresh).toBeGreaterThan(Math.max(idem, cpid, tpid, fpid));

    // Crash-like restart: no producer snapshots; state is rebuilt from batch headers.
    closeClients();
    await handle!.close();
    let removed = 0;
    for (const broker of fs.readdirSync(dataDir).filter((d) => d.startsWith('broker-'))) {
      const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) walk(full);
          else if (e.name === 'producer-state.snapshot') {
            fs.rmSync(full);
            removed++;
          }
        }
      };
      walk(path.join(dataDir, broker));
    }
    expect(removed).toBeGreaterThan(0);
    await start();
    await new Promise((r) => setTimeout(r, 300));
    const s0 = await leaderOf('r', 0);
    expect(await produce(s0, 'r', 0, batch({ producerId: idem, epoch: 0, seq: 2, count: 2 }))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(await latestOffset(s0, 'r', 0, 1)).toBe(await latestOffset(s0, 'r', 0, 0));
    const s2 = await leaderOf('r', 2);
    expect((await fetchOnce(s2, 'r', 2, 0, 1)).abortedTransactions).toEqual([{ producerId: tpid, firstOffset: 0 }]);
    expect((await fetchOnce(await leaderOf('r', 1), 'r', 1, 0, 1)).values).toEqual(['c0', 'c1', 'c2']);
  }, 60_000);
});
