// takeSnapshot's committed offsets against a real 3-broker embedded cluster over sockets: the
// batched path (one FindCoordinator, one OffsetFetch v8 per coordinator) must report exactly
// what kafkajs' per-group fetchOffsets reports, and hand the groups it cannot answer (a moved
// coordinator, a group error, a cluster without OffsetFetch v8) to that per-group path.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs, { type Admin } from 'kafkajs';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';
import { KafkaAdapter } from '../../electron/services/kafka-adapter.js';
import { takeSnapshot } from '../../electron/services/lag-history/cluster-snapshot.js';
import { fetchOffsetsBatched } from '../../electron/services/offset-fetch-batch.js';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';

const TOPICS = ['snap-a', 'snap-b', 'snap-c', 'snap-d'];
const GROUPS = Array.from({ length: 50 }, (_, i) => `snap-group-${String(i).padStart(2, '0')}`);

let cluster: TestCluster;
let admin: Admin;
let expected: Map<string, Array<{ topic: string; partition: number; committed: number }>>;
const adapters: KafkaAdapter[] = [];

function newAdapter(bootstrap = cluster.bootstrap): KafkaAdapter {
  const a = new KafkaAdapter({ bootstrapServers: bootstrap, connectionTimeoutMs: 5_000, requestTimeoutMs: 10_000 });
  adapters.push(a);
  return a;
}

/** Counts the requests an adapter sends: through its raw cluster (by API key and broker) and through its kafkajs admin. */
async function countRequests(adapter: KafkaAdapter) {
  const raw: Array<{ apiKey: number; apiVersion: number; nodeId: string }> = [];
  const adminOffsetFetches = { n: 0 };
  const pool = (await adapter.raw()).brokerPool.brokers as unknown as Record<string, { connectionPool: { send(a: any): Promise<unknown> } }>;
  for (const [nodeId, broker] of Object.entries(pool)) {
    const send = broker.connectionPool.send.bind(broker.connectionPool);
    broker.connectionPool.send = (args) => {
      raw.push({ apiKey: args.request.apiKey, apiVersion: args.request.apiVersion, nodeId });
      return send(args);
    };
  }
  const a = await adapter.admin();
  a.on(a.events.REQUEST, (e) => {
    if (e.payload.apiName === 'OffsetFetch') adminOffsetFetches.n++;
  });
  return { raw, adminOffsetFetches };
}

function committedOffsets(snap: Awaited<ReturnType<typeof takeSnapshot>>) {
  return new Map(snap.groups.map((g) => [g.groupId, g.offsets.map(({ topic, partition, committed }) => ({ topic, partition, committed }))]));
}

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  const kafka = new kafkajs.Kafka({ clientId: 'snapshot-test', brokers: cluster.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: TOPICS.map((topic) => ({ topic, numPartitions: 4, replicationFactor: 1 })) });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.sendBatch({ topicMessages: TOPICS.map((topic) => ({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `m${i}` })) })) });
  await producer.disconnect();
  // Commits the way the console's offset reset does (an OffsetCommit from outside the group):
  // each group on one or two topics, some partitions left uncommitted.
  const setup = newAdapter();
  const raw = await setup.raw();
  await Promise.all(
    GROUPS.map(async (groupId, i) => {
      const coordinator = await raw.findGroupCoordinator({ groupId });
      const topics = (i % 3 === 0 ? [TOPICS[i % 4]!, TOPICS[(i + 1) % 4]!] : [TOPICS[i % 4]!]).map((topic, t) => ({
        topic,
        partitions: [0, 1, 2, 3].filter((p) => (p + i + t) % 4 !== 3).map((partition) => ({ partition, offset: String((i * 7 + partition) % 11) })),
      }));
      await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics });
    }),
  );
  // What kafkajs' own per-group OffsetFetch says, in the snapshot's order and filter.
  expected = new Map();
  for (const groupId of GROUPS) {
    const res = await admin.fetchOffsets({ groupId });
    const offsets = res.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, committed: Number(p.offset) }))).filter((o) => o.committed >= 0);
    offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    expected.set(groupId, offsets);
  }
  expect([...expected.values()].every((o) => o.length >= 3)).toBe(true);
}, 120_000);

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  await admin?.disconnect();
  await cluster?.destroy();
});

describe('snapshot offsets, batched per coordinator', () => {
  it('match kafkajs fetchOffsets for 50 groups with one FindCoordinator and one OffsetFetch v8 per coordinator', async () => {
    const adapter = newAdapter();
    const seen = await countRequests(adapter);
    const snap = await takeSnapshot(adapter);
    expect(snap.errors).toEqual([]);
    expect(committedOffsets(snap)).toEqual(expected);
    const g = snap.groups.find((x) => x.groupId === 'snap-group-00')!;
    for (const o of g.offsets) expect(o.lag).toBe(10 - o.committed); // 40 messages over 4 partitions

    const findCoordinator = seen.raw.filter((r) => r.apiKey === 10);
    const offsetFetch = seen.raw.filter((r) => r.apiKey === 9);
    expect(findCoordinator).toHaveLength(1);
    expect(findCoordinator[0]!.apiVersion).toBeGreaterThanOrEqual(4);
    expect(offsetFetch.length).toBeGreaterThanOrEqual(2); // 50 groups spread over 3 brokers
    expect(new Set(offsetFetch.map((r) => r.nodeId)).size).toBe(offsetFetch.length);
    expect(offsetFetch.every((r) => r.apiVersion >= 8)).toBe(true);
    expect(seen.adminOffsetFetches.n).toBe(0);

    // The next call (a sampler's next tick) knows every coordinator already.
    const direct = await fetchOffsetsBatched(adapter, GROUPS);
    expect(direct.offsets.size).toBe(GROUPS.length);
    expect(direct.requests).toEqual({ findCoordinator: 0, offsetFetch: offsetFetch.length });
    expect(seen.raw.filter((r) => r.apiKey === 10)).toHaveLength(1);
  });

  it('asks kafkajs group by group for the groups of a coordinator that answers NOT_COORDINATOR, loses none, and finds their coordinator again next time', async () => {
    const adapter = newAdapter();
    const seen = await countRequests(adapter);
    expect((await fetchOffsetsBatched(adapter, GROUPS)).offsets.size).toBe(GROUPS.length);
    cluster.control.injectFault({ apiKey: 9, errorCode: ErrorCode.NOT_COORDINATOR, count: 1, nodeId: 1 });
    const snap = await takeSnapshot(adapter);
    cluster.control.clearFaults();
    expect(snap.errors).toEqual([]);
    expect(committedOffsets(snap)).toEqual(expected);
    // Only node 1's groups went the slow way.
    const moved = seen.adminOffsetFetches.n;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(GROUPS.length);
    // They were forgotten as coordinated by node 1: one FindCoordinator for them, the rest known.
    const next = await fetchOffsetsBatched(adapter, GROUPS);
    expect(next.offsets.size).toBe(GROUPS.length);
    expect(next.requests.findCoordinator).toBe(1);
    const lastFind = seen.raw.filter((r) => r.apiKey === 10);
    expect(lastFind).toHaveLength(2);
  });

  it('reports a group error the coordinator keeps answering in snapshot.errors, per group', async () => {
    const adapter = newAdapter();
    await countRequests(adapter);
    cluster.control.injectFault({ apiKey: 9, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, count: 1_000, nodeId: 2 });
    let snap: Awaited<ReturnType<typeof takeSnapshot>>;
    try {
      snap = await takeSnapshot(adapter);
    } finally {
      cluster.control.clearFaults();
    }
    const failed = snap.groups.filter((g) => g.offsets.length === 0).map((g) => g.groupId);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(GROUPS.length);
    expect(snap.errors).toHaveLength(failed.length);
    expect(snap.errors.map((e) => e.slice('OffsetFetch '.length, e.indexOf(':'))).sort()).toEqual(failed);
    for (const e of snap.errors) expect(e).toMatch(/authoriz/i);
    for (const g of snap.groups) if (!failed.includes(g.groupId)) expect(g.offsets.map(({ topic, partition, committed }) => ({ topic, partition, committed }))).toEqual(expected.get(g.groupId));
  });

  it('falls back to one kafkajs OffsetFetch per group when the cluster offers OffsetFetch only up to v7', async () => {
    const proxy = await versionCappingProxy(cluster.bootstrap[0]!, 9, 7);
    try {
      const adapter = newAdapter([proxy.address]);
      const seen = await countRequests(adapter);
      expect((await adapter.raw()).brokerPool.versions?.['9']?.maxVersion).toBe(7);
      const snap = await takeSnapshot(adapter);
      expect(snap.errors).toEqual([]);
      expect(committedOffsets(snap)).toEqual(expected);
      expect(seen.raw.filter((r) => r.apiKey === 9 || r.apiKey === 10)).toEqual([]);
      expect(seen.adminOffsetFetches.n).toBe(GROUPS.length);
    } finally {
      await proxy.close();
    }
  });
});

/**
 * A bootstrap proxy in front of one broker that lowers one API's max version in the
 * ApiVersions v0-2 answer, as an older Kafka would send it. kafkajs asks ApiVersions of the
 * bootstrap broker only and uses its answer for every broker it then reaches directly.
 */
async function versionCappingProxy(target: string, apiKey: number, maxVersion: number): Promise<{ address: string; close(): Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    let firstApiKey: number | null = null;
    let pending: Buffer | null = Buffer.alloc(0); // upstream bytes held until the first response is patched
    client.on('data', (chunk) => {
      if (firstApiKey === null && chunk.length >= 6) firstApiKey = chunk.readInt16BE(4);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pending === null) return void client.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 4 || pending.length < 4 + pending.readInt32BE(0)) return;
      if (firstApiKey === 18) {
        // size, correlation id, error code, [api key, min, max]
        const count = pending.readInt32BE(10);
        for (let i = 0, at = 14; i < count; i++, at += 6) {
          if (pending.readInt16BE(at) === apiKey) pending.writeInt16BE(Math.min(maxVersion, pending.readInt16BE(at + 4)), at + 4);
        }
      }
      client.write(pending);
      pending = null;
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
