// SIGKILL of the whole sandbox process under acks=all load (issue 3): the cluster runs in
// a child (crash-broker.ts calls startCluster), raw pipelined producers write every
// partition with acks=-1 until the kill. Afterwards, with nothing running, every
// acknowledged record must be in the segment files of every replica the controller's
// persisted state lists in the ISR; after a restart it must also be read back over Fetch,
// and the replicas converge byte for byte.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { readTopic } from '../helpers/raw-consume.js';
import { freePorts, killAllBrokers, killBroker, startBrokerProcess } from './broker-process.js';
import { createTopic, keyedBatch, metadataView, persistedState, replicaEndOffset, replicaLogBytes, replicaRecords, sleep, waitFor } from '../helpers/replication.js';

const TOPIC = 'crash-orders';
const PARTITIONS = 6;
const dirs: string[] = [];

afterEach(async () => {
  await killAllBrokers();
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Acked {
  partition: number;
  offset: number;
  value: string;
}

/** One pipelined acks=-1 writer per partition (up to 4 requests in flight), until its connection dies. */
function startWriters(leaders: Map<number, string>): { acked: Acked[]; done: Promise<void> } {
  const acked: Acked[] = [];
  const writers = [...leaders].map(async ([partition, address]) => {
    const client = await RawClient.connectTo(address);
    let n = 0;
    try {
      for (;;) {
        const batch = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => ({ key: `k${partition}`, value: `${partition}:${n++}` })));
        const answers = await client.pipeline(batch.map((values) => ({
          apiKey: 0, apiVersion: 7,
          body: { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: keyedBatch(values) }] }] },
        })));
        answers.forEach((res: any, i) => {
          const p = res.responses[0].partitionResponses[0];
          if (p.errorCode !== 0) throw new Error(`produce error ${p.errorCode}`);
          batch[i]!.forEach((v, j) => acked.push({ partition, offset: Number(p.baseOffset) + j, value: v.value }));
        });
      }
    } catch {
      // The kill closes the connection: whatever was not answered was not acknowledged.
    } finally {
      client.close();
    }
  });
  return { acked, done: Promise.all(writers).then(() => undefined) };
}

describe('SIGKILL of the sandbox process under acks=all load', () => {
  it('leaves every acknowledged record on every ISR replica, readable after restart', async () => {
    const dataDir = tempDir('keel-repl-crash-');
    dirs.push(dataDir);
    const ports = await freePorts(3);
    const first = await startBrokerProcess(dataDir, ports);
    await createTopic(first.bootstrap, { name: TOPIC, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const md = await metadataView(first.bootstrap[0]!, TOPIC);
    const writers = startWriters(new Map(md.partitions.map((p) => [p.partition, md.brokers.get(p.leader)!])));
    await waitFor(() => new Set(writers.acked.map((a) => a.partition)).size === PARTITIONS, 10_000, 'acks on every partition');
    await sleep(1000);
    killBroker(first.child);
    await first.exited;
    await writers.done;
    expect(writers.acked.length).toBeGreaterThan(500);

    // Offline: the controller's last record says who was in sync; each of them has every acked record.
    const isr = persistedState(dataDir, TOPIC);
    const missing: string[] = [];
    for (const p of isr) {
      const expected = writers.acked.filter((a) => a.partition === p.partition);
      expect(p.isr.length).toBeGreaterThanOrEqual(2);
      for (const node of p.isr) {
        const stored = new Map((await replicaRecords(dataDir, node, TOPIC, p.partition)).map((r) => [r.offset, r.value!.toString()]));
        for (const a of expected) if (stored.get(a.offset) !== a.value) missing.push(`broker ${node} ${TOPIC}-${p.partition}@${a.offset}: ${stored.get(a.offset)} != ${a.value}`);
      }
    }
    expect(missing.slice(0, 10)).toEqual([]);

    // Restart on the same data and ports: everything acknowledged is served, replicas converge.
    const second = await startBrokerProcess(dataDir, ports);
    await waitFor(async () => (await metadataView(second.bootstrap[0]!, TOPIC)).partitions.every((p) => p.isr.length === 3), 15_000, 'full ISRs after restart');
    const records = await readTopic(second.bootstrap, TOPIC);
    const read = new Map(records.map((r) => [`${r.partition}@${r.offset}`, r.value!.toString()]));
    const lost = writers.acked.filter((a) => read.get(`${a.partition}@${a.offset}`) !== a.value);
    expect(lost.slice(0, 10)).toEqual([]);
    for (let p = 0; p < PARTITIONS; p++) {
      await waitFor(() => new Set([1, 2, 3].map((n) => replicaEndOffset(dataDir, n, TOPIC, p))).size === 1, 10_000, `replicas of partition ${p} converge`);
      const [a, b, c] = [1, 2, 3].map((n) => replicaLogBytes(dataDir, n, TOPIC, p));
      expect(a!.equals(b!) && b!.equals(c!), `partition ${p} byte-identical`).toBe(true);
    }
    killBroker(second.child);
    await second.exited;
  }, 60_000);
});
