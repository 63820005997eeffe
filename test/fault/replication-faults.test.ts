// The sandbox's fault controls as clients see them (issue 3): injected error codes on the
// wire and their clearing, a dropped response forcing a kafkajs retry, added latency, a
// follower cut off from replication leaving the ISR after replica.lag.time.max.ms and
// rejoining when healed, leader moves, and the controller noticing a crash only after
// broker.session.timeout.ms (sandbox default 3000) but a graceful stop at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { readPartition } from '../helpers/raw-consume.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import { createTopic, keyedBatch, metadataView, producePartition, produceTo, waitFor, withClient } from '../helpers/replication.js';

const { Kafka, logLevel } = kafkajs;
const LAG_MS = 1500;
const SESSION_MS = 3000; // the sandbox default, deliberately not overridden

let cluster: TestCluster;
const addr = (id: number) => cluster.bootstrap[id - 1]!;
const running = () => cluster.control.status().filter((b) => b.state === 'running').map((b) => b.nodeId);
const view = async (topic: string) => (await metadataView(addr(running()[0]!), topic)).partitions;

beforeAll(async () => {
  cluster = await startTestCluster({ config: { 'replica.lag.time.max.ms': String(LAG_MS) } });
  await createTopic(cluster.bootstrap, { name: 'flt', partitions: 3, assignments: [[1, 2, 3], [2, 3, 1], [3, 1, 2]], configs: { 'min.insync.replicas': '2' } });
}, 30_000);

afterAll(async () => {
  cluster?.control.clearFaults();
  await cluster?.destroy();
});

describe('injected errors and dropped responses', () => {
  it('answers the next N requests of an API with the injected code, then normally', async () => {
    cluster.control.injectFault({ apiKey: 0, errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, count: 2, nodeId: 1 });
    await withClient(addr(1), async (c) => {
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await producePartition(c, 'flt', 0, -1, keyedBatch([{ value: `inj-${i}` }]))).errorCode);
      expect(codes).toEqual([ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NONE]);
      // Refused requests were not appended.
      const records = await readPartition(addr(1), 'flt', 0);
      expect(records.map((r) => r.value!.toString())).toEqual(['inj-2']);
    });
  });

  it('only on the named broker, and clearFaults disarms what is left', async () => {
    cluster.control.injectFault({ apiKey: 3, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, count: 100, nodeId: 2 });
    cluster.control.injectFault({ apiKey: 0, errorCode: ErrorCode.REQUEST_TIMED_OUT, count: 100, nodeId: 2 });
    await withClient(addr(1), async (c) => {
      const md = await c.request(3, 1, { topics: [{ name: 'flt' }] });
      expect(md.topics[0].errorCode).toBe(0);
    });
    await withClient(addr(2), async (c) => {
      const md = await c.request(3, 1, { topics: [{ name: 'flt' }] });
      expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
      expect((await producePartition(c, 'flt', 1, 1, keyedBatch([{ value: 'x' }]))).errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
      cluster.control.clearFaults();
      expect((await c.request(3, 1, { topics: [{ name: 'flt' }] })).topics[0].errorCode).toBe(0);
      expect((await producePartition(c, 'flt', 1, 1, keyedBatch([{ value: 'after-clear' }]))).errorCode).toBe(0);
    });
  });

  it('rejects fault specs that are not faults', () => {
    expect(() => cluster.control.injectFault({ apiKey: 0, errorCode: 0, count: 1 })).toThrow(/error code/);
    expect(() => cluster.control.injectFault({ apiKey: 0, errorCode: 6, count: 0 })).toThrow(/count/);
    expect(() => cluster.control.setLatency(1, -5)).toThrow(/latency/);
  });

  it('a dropped produce response makes kafkajs retry: the write was processed, so it lands twice', async () => {
    const leader = (await view('flt'))[2]!.leader;
    const kafka = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 5 } });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: 'flt', acks: -1, messages: [{ partition: 2, value: 'warm-up' }] });
      cluster.control.injectFault({ apiKey: 0, dropResponse: true, count: 1, nodeId: leader });
      const [meta] = await producer.send({ topic: 'flt', acks: -1, messages: [{ partition: 2, value: 'dropped-once' }] });
      expect(meta!.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
    const values = (await readPartition(addr(leader), 'flt', 2)).map((r) => r.value!.toString());
    expect(values).toEqual(['warm-up', 'dropped-once', 'dropped-once']);
  });

  it('setLatency delays every response of one broker until set back to 0', async () => {
    const time = async (id: number) => withClient(addr(id), async (c) => {
      const t = Date.now();
      await c.request(18, 0, {});
      return Date.now() - t;
    });
    cluster.control.setLatency(3, 300);
    expect(await time(3)).toBeGreaterThanOrEqual(290);
    expect(await time(1)).toBeLessThan(200);
    cluster.control.setLatency(3, 0);
    expect(await time(3)).toBeLessThan(200);
  });
});

describe('isolation, leader moves and liveness', () => {
  it('an isolated follower leaves the ISR after replica.lag.time.max.ms and rejoins once healed', async () => {
    await waitFor(async () => (await view('flt')).every((p) => p.isr.length === 3), 5000, 'full ISRs');
    const isolatedAt = Date.now();
    cluster.control.isolateBroker(3, true);
    // Writes keep the leaders ahead of the cut-off follower.
    const writer = setInterval(() => void produceTo(cluster.bootstrap, 'flt', 0, 1, [{ value: 'tick' }]).catch(() => {}), 100);
    try {
      await waitFor(async () => (await view('flt')).filter((p) => p.leader !== 3).every((p) => !p.isr.includes(3)), LAG_MS + 3000, 'broker 3 out of the ISRs it follows');
      const shrunkAfter = Date.now() - isolatedAt;
      expect(shrunkAfter).toBeGreaterThanOrEqual(LAG_MS - 100);
      // Partition 2 is led by broker 3: isolation only stops it following, so it keeps leading.
      expect((await view('flt'))[2]!.leader).toBe(3);
      cluster.control.isolateBroker(3, false);
      await waitFor(async () => (await view('flt')).every((p) => p.isr.includes(3)), 5000, 'broker 3 back in every ISR');
    } finally {
      clearInterval(writer);
      cluster.control.isolateBroker(3, false);
    }
  });

  it('moveLeader moves leadership to an in-sync replica with a new epoch, and refuses others', async () => {
    const before = (await view('flt'))[0]!;
    cluster.control.moveLeader('flt', 0, 2);
    const after = (await view('flt'))[0]!;
    expect(after.leader).toBe(2);
    expect(after.leaderEpoch).toBe(before.leaderEpoch + 1);
    expect(cluster.control.status().find((b) => b.nodeId === 2)!.leaderOf).toBe(2);
    expect(() => cluster.control.moveLeader('flt', 0, 2)).toThrow(/already leads/);
    expect(() => cluster.control.moveLeader('flt', 0, 9)).toThrow();
    expect(() => cluster.control.moveLeader('nope', 0, 1)).toThrow(/unknown partition/);
    // Clients follow the move.
    expect((await produceTo(cluster.bootstrap, 'flt', 0, -1, [{ value: 'on-2' }])).errorCode).toBe(0);
  });

  it('a graceful stop is noticed at once; a crash only after broker.session.timeout.ms', async () => {
    cluster.control.moveLeader('flt', 0, 1);
    await cluster.control.stopBroker(2);
    let parts = await view('flt');
    expect(parts[1]!.leader).not.toBe(2);
    expect(parts.every((p) => !p.isr.includes(2))).toBe(true);
    await cluster.control.startBroker(2);
    await waitFor(async () => (await view('flt')).every((p) => p.isr.length === 3 && p.leader === p.replicas[0]), 10_000, 'broker 2 back');

    const crashedAt = Date.now();
    await cluster.control.crashBroker(3);
    parts = await view('flt');
    expect(cluster.control.status().find((b) => b.nodeId === 3)!.state).toBe('crashed');
    // Not noticed yet: still leader of partition 2 and in every ISR, though reported offline.
    expect(parts[2]!.leader).toBe(3);
    expect(parts.every((p) => p.isr.includes(3) && p.offline.includes(3))).toBe(true);
    await waitFor(async () => (await view('flt'))[2]!.leader !== 3, SESSION_MS + 2000, 'crash noticed', 50);
    const noticedAfter = Date.now() - crashedAt;
    expect(noticedAfter).toBeGreaterThanOrEqual(SESSION_MS - 100);
    expect(noticedAfter).toBeLessThan(SESSION_MS + 1500);
    parts = await view('flt');
    expect(parts.every((p) => !p.isr.includes(3))).toBe(true);
    await cluster.control.startBroker(3);
    await waitFor(async () => (await view('flt')).every((p) => p.isr.length === 3), 10_000, 'broker 3 back');
  });

  it('a broker restarted before its crash was noticed is fenced then, and rejoins', async () => {
    const before = (await view('flt'))[2]!;
    await cluster.control.crashBroker(3);
    await cluster.control.startBroker(3);
    const after = await waitFor(async () => {
      const p = (await view('flt'))[2]!;
      return p.isr.length === 3 && p.leader === 3 ? p : null;
    }, 10_000, 'broker 3 leading partition 2 again');
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    expect((await produceTo(cluster.bootstrap, 'flt', 2, -1, [{ value: 'after-fast-restart' }])).errorCode).toBe(0);
  });

  it('RawClient sees the stopped broker refuse connections', async () => {
    await cluster.control.stopBroker(1);
    await expect(RawClient.connectTo(addr(1), 1000)).rejects.toThrow();
    await cluster.control.startBroker(1);
    await withClient(addr(1), async (c) => expect((await c.request(18, 0, {})).errorCode).toBe(0));
  });
});
