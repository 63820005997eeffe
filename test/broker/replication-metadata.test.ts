// ISR, leader and epoch as clients see them must match the controller's state at every
// step (issue 3). The controller's state is read from its own durable record
// (cluster-metadata.json, rewritten on each decision) and compared with Metadata v12 over a
// raw client, kafkajs admin.fetchTopicMetadata and `kcat -L -J`, through a leader move, a
// graceful stop, an ISR shrink and expansion, a restart with preferred leaders returning,
// and a crash before and after the controller notices it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { KCAT, executableCheck, requirePeer } from '../helpers/peers.js';
import { killChildren, runOk } from '../helpers/child-process.js';
import { createTopic, metadataView, persistedState, waitFor, type PartitionView } from '../helpers/replication.js';

const { Kafka, logLevel } = kafkajs;
const kcatPeer = requirePeer('kcat', executableCheck(KCAT, ['-V']));
const TOPIC = 'md-steps';
const PARTITIONS = 6;

let cluster: TestCluster;
let admin: kafkajs.Admin;
const runningIds = () => cluster.control.status().filter((b) => b.state === 'running').map((b) => b.nodeId);
const anyRunning = () => cluster.bootstrap[runningIds()[0]! - 1]!;

/** Compares every client's view with the controller's record; returns the agreed state. */
async function expectAllViewsAgree(step: string): Promise<PartitionView[]> {
  const controller = persistedState(cluster.dataDir, TOPIC);
  const raw = await metadataView(anyRunning(), TOPIC);
  const running = runningIds();
  expect([...raw.brokers.keys()].sort(), `${step}: brokers`).toEqual(running);
  expect(raw.controllerId, `${step}: controller id`).toBe(running[0]);
  for (const p of raw.partitions) {
    const c = controller[p.partition]!;
    expect({ leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr }, `${step}: raw Metadata p${p.partition}`).toEqual({
      leader: c.leader, leaderEpoch: c.leaderEpoch, replicas: c.replicas, isr: c.isr,
    });
    expect(p.offline, `${step}: offline p${p.partition}`).toEqual(c.replicas.filter((r) => !running.includes(r)));
  }

  const kj = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  const kjParts = [...kj.topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId);
  expect(kjParts.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offline: p.offlineReplicas ?? [] })), `${step}: kafkajs`).toEqual(
    raw.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offline: p.offline })),
  );

  if (kcatPeer.available) {
    const r = await runOk(KCAT, ['-b', running.map((id) => cluster.bootstrap[id - 1]).join(','), '-L', '-J', '-t', TOPIC, '-m', '5'], { timeoutMs: 15_000 });
    const md = JSON.parse(r.stdout) as { brokers: { id: number }[]; topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[] };
    expect(md.brokers.map((b) => b.id).sort(), `${step}: kcat brokers`).toEqual(running);
    const kc = [...md.topics[0]!.partitions].sort((a, b) => a.partition - b.partition);
    expect(kc.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas.map((x) => x.id), isr: p.isrs.map((x) => x.id) })), `${step}: kcat`).toEqual(
      raw.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
    );
  }
  return raw.partitions;
}

beforeAll(async () => {
  cluster = await startTestCluster({ config: { 'replica.lag.time.max.ms': '1500' } });
  await createTopic(cluster.bootstrap, { name: TOPIC, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
  admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 5 } }).admin();
  await admin.connect();
}, 30_000);

afterEach(() => killChildren());

afterAll(async () => {
  killChildren();
  await admin?.disconnect().catch(() => {});
  await cluster?.destroy();
});

describe('client views of leaders, ISR and epochs match the controller', () => {
  it('at every step of a stop / isolate / heal / restart / crash sequence', async () => {
    let parts = await expectAllViewsAgree('created');
    expect(parts.every((p) => p.isr.length === 3 && p.leader === p.replicas[0])).toBe(true);

    cluster.control.moveLeader(TOPIC, 0, parts[0]!.replicas[1]!);
    parts = await expectAllViewsAgree('leader moved');
    expect(parts[0]!.leader).toBe(parts[0]!.replicas[1]);

    await cluster.control.stopBroker(2);
    parts = await expectAllViewsAgree('broker 2 stopped');
    expect(parts.every((p) => p.leader !== 2 && !p.isr.includes(2))).toBe(true);

    cluster.control.isolateBroker(3, true);
    await waitFor(() => persistedState(cluster.dataDir, TOPIC).every((p) => p.leader === 3 || !p.isr.includes(3)), 5000, 'broker 3 out of the ISRs it follows');
    parts = await expectAllViewsAgree('broker 3 isolated');

    cluster.control.isolateBroker(3, false);
    await waitFor(() => persistedState(cluster.dataDir, TOPIC).every((p) => p.isr.includes(3)), 5000, 'broker 3 back in the ISRs');
    await expectAllViewsAgree('broker 3 healed');

    await cluster.control.startBroker(2);
    await waitFor(() => persistedState(cluster.dataDir, TOPIC).every((p) => p.isr.length === 3 && (p.partition === 0 || p.leader === p.replicas[0])), 10_000, 'broker 2 back');
    await expectAllViewsAgree('broker 2 restarted');

    await cluster.control.crashBroker(3);
    parts = await expectAllViewsAgree('broker 3 crashed, not yet noticed');
    expect(parts.every((p) => p.isr.includes(3) && p.offline.includes(3))).toBe(true);
    await waitFor(() => persistedState(cluster.dataDir, TOPIC).every((p) => !p.isr.includes(3)), 5000, 'crash noticed');
    parts = await expectAllViewsAgree('broker 3 crash noticed');
    expect(parts.every((p) => p.leader !== 3)).toBe(true);

    await cluster.control.startBroker(3);
    await waitFor(() => persistedState(cluster.dataDir, TOPIC).every((p) => p.isr.length === 3), 10_000, 'broker 3 back');
    await expectAllViewsAgree('broker 3 restarted');
  }, 60_000);
});
