// confluent-kafka-python 1.7 (librdkafka 2.0.2) exactly-once against a fresh 3-broker cluster:
// an idempotent producer through dropped produce responses and leader moves (read back raw:
// no duplicate, no gap), consume-transform-produce with send_offsets_to_transaction, and a
// transactional producer SIGKILLed mid-transaction whose partitions stay blocked for
// read_committed only until the transaction times out or a new instance fences it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { SYSTEM_PYTHON, pythonModuleCheck, requirePeer } from '../helpers/peers.js';
import { killChildren } from '../helpers/child-process.js';
import { partitionLeaders, readTopic } from '../helpers/raw-consume.js';
import { RawClient } from '../helpers/raw-client.js';
import { runPythonPeer } from './python-peers.js';

const peer = requirePeer('python3-confluent-kafka', pythonModuleCheck('confluent_kafka'));
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python', 'eos_confluent.py');

/** Starts `hang` and resolves with its PID once the transaction's records are flushed. */
function startHungProducer(bootstrap: string, topic: string, txnId: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, [SCRIPT, bootstrap, 'hang', topic, txnId, String(timeoutMs), '6'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    hung.add(child.pid!);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`hung producer not ready: ${out.slice(-1000)} ${err.slice(-2000)}`)), 25_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('"ready": true')) {
        clearTimeout(timer);
        resolve(child.pid!);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', () => hung.delete(child.pid!));
  });
}
const hung = new Set<number>();
function killHung(): void {
  for (const pid of hung) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  hung.clear();
}

describe.skipIf(!peer.available)('confluent-kafka-python exactly-once', () => {
  let cluster: TestCluster;
  let bootstrap: string;
  let kafka: kafkajs.Kafka;
  const py = <T = any>(...args: string[]) => runPythonPeer<T>('eos_confluent.py', [bootstrap, ...args], 40_000);

  async function createTopics(...names: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3 })) });
    await admin.disconnect();
  }

  /** Last stable offset (read_committed latest) and high watermark of each partition. */
  async function offsets(topic: string): Promise<{ lso: number; hw: number }[]> {
    const { leaders } = await partitionLeaders(cluster.bootstrap, topic);
    const out: { lso: number; hw: number }[] = [];
    for (const [p, leader] of [...leaders].sort((a, b) => a[0] - b[0])) {
      const c = await RawClient.connectTo(leader);
      try {
        const ask = async (isolationLevel: number) => Number((await c.request(2, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1 }] }] })).topics[0].partitions[0].offset);
        out.push({ lso: await ask(1), hw: await ask(0) });
      } finally {
        c.close();
      }
    }
    return out;
  }

  beforeAll(async () => {
    cluster = await startTestCluster();
    bootstrap = cluster.bootstrap.join(',');
    kafka = new kafkajs.Kafka({ clientId: 'keel-eos-py', brokers: cluster.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  }, 30_000);
  afterEach(() => {
    killChildren();
    killHung();
  });
  afterAll(async () => {
    killChildren();
    killHung();
    await cluster?.destroy();
  });

  it('idempotent producer: no duplicate and no gap through dropped responses and leader moves', async () => {
    await createTopics('py-idem');
    const running = py<{ delivered: number }>('idempotent', 'py-idem', '600', '3');
    cluster.control.injectFault({ apiKey: 0, dropResponse: true, count: 2 });
    await new Promise((r) => setTimeout(r, 150));
    const { leaders } = await partitionLeaders(cluster.bootstrap, 'py-idem');
    for (const [p, leader] of leaders) cluster.control.moveLeader('py-idem', p, (cluster.bootstrap.indexOf(leader) + 1) % 3 + 1);
    cluster.control.injectFault({ apiKey: 0, dropResponse: true, count: 2 });
    expect((await running).delivered).toBe(600);
    const records = await readTopic(cluster.bootstrap, 'py-idem');
    const values = records.map((r) => r.value!.toString());
    expect(values.length).toBe(600);
    expect(new Set(values).size).toBe(600);
    for (let p = 0; p < 3; p++) {
      const ns = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(1)));
      expect(ns).toEqual(Array.from({ length: 200 }, (_, i) => i * 3 + p));
    }
  }, 60_000);

  it('consume-transform-produce with send_offsets_to_transaction', async () => {
    await createTopics('py-in', 'py-out');
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: 'py-in', messages: Array.from({ length: 20 }, (_, i) => ({ value: `in${i}`, partition: i % 3 })) });
    await plain.disconnect();
    const { committed, aborted } = await py<{ committed: string[]; aborted: string[] }>('ctp', 'py-in', 'py-out', 'py-ctp', 'py-ctp-tx', '20');
    expect(aborted.sort()).toEqual(['out0', 'out10', 'out15', 'out5']);
    const rc = await py<{ values: string[] }>('read', 'py-out', 'read_committed', String(committed.length));
    expect(rc.values.sort()).toEqual([...committed].sort());
    const ru = await py<{ values: string[] }>('read', 'py-out', 'read_uncommitted', '20');
    expect(ru.values.sort()).toEqual([...committed, ...aborted].sort());
    const admin = kafka.admin();
    await admin.connect();
    const fetched = await admin.fetchOffsets({ groupId: 'py-ctp', topics: ['py-in'] });
    await admin.disconnect();
    // Last inputs per partition: in18 (p0, offset 6), in19 (p1, 6), in17 (p2, 5) — all committed.
    expect(Object.fromEntries(fetched[0]!.partitions.map((p) => [p.partition, Number(p.offset)]))).toEqual({ 0: 7, 1: 7, 2: 6 });
  }, 90_000);

  it('a SIGKILLed transactional producer blocks read_committed only until its transaction times out', async () => {
    await createTopics('py-hang');
    const pid = await startHungProducer(bootstrap, 'py-hang', 'py-hang-tx', 2000);
    process.kill(pid, 'SIGKILL');
    const blocked = await offsets('py-hang');
    expect(blocked.every((o) => o.lso === 0 && o.hw === 2)).toBe(true);
    const deadline = Date.now() + 10_000;
    let now = blocked;
    while (Date.now() < deadline && !now.every((o) => o.lso === o.hw)) {
      await new Promise((r) => setTimeout(r, 200));
      now = await offsets('py-hang');
    }
    expect(now.every((o) => o.lso === o.hw && o.hw === 3)).toBe(true); // 2 records + abort marker
    const rc = await py<{ values: string[] }>('read', 'py-hang', 'read_committed', '0');
    expect(rc.values).toEqual([]);
  }, 60_000);

  it('a SIGKILLed transactional producer is fenced and aborted by a new instance with the same id', async () => {
    await createTopics('py-fence');
    const pid = await startHungProducer(bootstrap, 'py-fence', 'py-fence-tx', 60_000);
    process.kill(pid, 'SIGKILL');
    expect((await offsets('py-fence')).every((o) => o.lso === 0)).toBe(true);
    await py('commit', 'py-fence', 'py-fence-tx', '6', 'ok');
    const after = await offsets('py-fence');
    expect(after.every((o) => o.lso === o.hw)).toBe(true);
    const rc = await py<{ values: string[] }>('read', 'py-fence', 'read_committed', '6');
    expect(rc.values.sort()).toEqual(['ok0', 'ok1', 'ok2', 'ok3', 'ok4', 'ok5']);
  }, 60_000);
});
