// @platformatic/kafka 1.x, a modern client that speaks only flexible versions (ApiVersions
// v3, Metadata 9-12, Produce 7-11, Fetch 12-17 by topic id, ListOffsets 5-9, CreateTopics 7,
// DeleteTopics 6), against a fresh 3-broker cluster: create a topic, produce with each codec
// it has on Node 20 (zstd needs Node 22's zlib), list offsets, and read everything back with
// its group-less Fetch (by topic id).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { readTopic } from '../helpers/raw-consume.js';
import { interopReplicationFactor } from './support.js';

describe('@platformatic/kafka', () => {
  let cluster: TestCluster;
  let RF = 3;
  let admin: Admin;
  let producer: Producer<string, string, string, string>;
  let consumer: Consumer;

  beforeAll(async () => {
    cluster = await startTestCluster();
    RF = await interopReplicationFactor(cluster.bootstrap);
    const base = { clientId: 'keel-interop-platformatic', bootstrapBrokers: cluster.bootstrap, timeout: 10_000, retries: 2, retryDelay: 100 };
    admin = new Admin(base);
    producer = new Producer({ ...base, serializers: stringSerializers, autocreateTopics: false });
    consumer = new Consumer({ ...base, groupId: 'keel-interop-unused' });
  }, 30_000);

  afterAll(async () => {
    await consumer?.close().catch(() => {});
    await producer?.close().catch(() => {});
    await admin?.close().catch(() => {});
    await cluster?.destroy();
  });

  /** Every record of the topic through the client's own Fetch (v17, topic ids), from offset 0. */
  async function fetchAll(topic: string) {
    const md = await consumer.metadata({ topics: [topic] });
    const t = md.topics.get(topic)!;
    const out: { partition: number; offset: bigint; key: string | null; value: string | null; headers: Record<string, string> }[] = [];
    for (let partition = 0; partition < t.partitions.length; partition++) {
      let offset = 0n;
      for (let round = 0; round < 100; round++) {
        const res = await consumer.fetch({
          node: t.partitions[partition]!.leader,
          maxWaitTime: 0,
          minBytes: 0,
          topics: [{ topicId: t.id, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
        });
        const p = res.responses[0]!.partitions[0]!;
        expect(p.errorCode).toBe(0);
        for (const batch of p.records ?? []) {
          for (const r of batch.records) {
            const at = batch.firstOffset + BigInt(r.offsetDelta);
            if (at < offset) continue;
            out.push({
              partition,
              offset: at,
              key: r.key?.toString() ?? null,
              value: r.value?.toString() ?? null,
              headers: Object.fromEntries(r.headers.map(([k, v]) => [k!.toString(), v!.toString()])),
            });
          }
          offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        }
        if (offset >= p.highWatermark) break;
      }
    }
    return out;
  }

  it('creates and deletes topics (CreateTopics v7 / DeleteTopics v6) and sees them in Metadata', async () => {
    const created = await admin.createTopics({ topics: ['pk-admin'], partitions: 3, replicas: RF });
    expect(created[0]!.name).toBe('pk-admin');
    expect(created[0]!.partitions).toBe(3);
    const md = await admin.metadata({ topics: ['pk-admin'] });
    expect([...md.brokers.keys()].sort()).toEqual([1, 2, 3]);
    const t = md.topics.get('pk-admin')!;
    expect(t.partitions).toHaveLength(3);
    for (const p of t.partitions) {
      expect(p.replicas).toHaveLength(RF);
      expect(p.isr).toHaveLength(RF);
    }
    await admin.deleteTopics({ topics: ['pk-admin'] });
    expect(await admin.listTopics()).not.toContain('pk-admin');
  });

  it.each(['none', 'gzip', 'snappy', 'lz4'] as const)('produces %s batches and reads them back with a group-less Fetch', async (codec) => {
    const topic = `pk-codec-${codec}`;
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: RF });
    const messages = Array.from({ length: 45 }, (_, i) => ({ topic, key: `key-${i % 6}`, value: `${codec} ${i} ${'p'.repeat(i * 4)}`, headers: { n: String(i) } }));
    for (let i = 0; i < messages.length; i += 15) {
      // acks must be given per send: the client defaults each send to leader-only acks.
      const result = await producer.send({ acks: -1, messages: messages.slice(i, i + 15), ...(codec === 'none' ? {} : { compression: codec }) });
      expect(result.offsets?.length ?? 0).toBeGreaterThan(0);
    }
    const got = await fetchAll(topic);
    expect(got).toHaveLength(messages.length);
    const byN = [...got].sort((a, b) => Number(a.headers.n) - Number(b.headers.n));
    expect(byN.map((r) => ({ key: r.key, value: r.value }))).toEqual(messages.map((m) => ({ key: m.key, value: m.value })));
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of got) partitionsOfKey.set(r.key!, (partitionsOfKey.get(r.key!) ?? new Set()).add(r.partition));
    for (const parts of partitionsOfKey.values()) expect(parts.size).toBe(1);

    const raw = await readTopic(cluster.bootstrap, topic);
    const codecId = { none: 0, gzip: 1, snappy: 2, lz4: 3 }[codec];
    expect(new Set(raw.map((r) => r.compression))).toEqual(new Set([codecId]));

    // ListOffsets v9: latest per partition equals what was written there.
    const offsets = await consumer.listOffsets({ topics: [topic] });
    const latest = offsets.get(topic)!;
    for (let p = 0; p < 3; p++) expect(latest[p]).toBe(BigInt(got.filter((r) => r.partition === p).length));
  });
});
