// kafkajs consumer groups against the embedded cluster: several members share a topic
// (round-robin), each message is handled exactly once, committed offsets survive a restart
// of the whole cluster, the admin sees the group and its lag, and an offset reset is refused
// while the group has members, as Kafka refuses it.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import type { TestCluster } from '../helpers/embedded-cluster.js';
import { kafkaFor, startGroupCluster, startRecordingConsumer, waitFor, type Received, type RecordingConsumer } from './groups-support.js';

let cluster: TestCluster;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startGroupCluster();
  kafka = kafkaFor(cluster);
}, 30_000);

afterAll(async () => {
  await cluster?.destroy();
});

async function produce(topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` }));
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

function values(received: Received[]): string[] {
  return received.map((r) => r.value).sort();
}

describe('kafkajs consumer groups', () => {
  it('shares partitions among members, each message once, and resumes from commits after a cluster restart', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-grp', numPartitions: 6, replicationFactor: 1 }] });
    await admin.disconnect();
    const all: Received[] = [];
    const members: RecordingConsumer[] = [];
    for (const name of ['a', 'b', 'c']) members.push(await startRecordingConsumer(kafka, 'kj-rr', 'kj-grp', name, all));
    await waitFor(() => members.every((m) => (m.assigned()['kj-grp']?.length ?? 0) === 2), 15_000, 'three members with two partitions each');
    const assigned = members.flatMap((m) => m.assigned()['kj-grp']!).sort();
    expect(assigned).toEqual([0, 1, 2, 3, 4, 5]);

    await produce('kj-grp', 0, 60);
    await waitFor(() => all.length >= 60, 15_000, '60 messages');
    await new Promise((r) => setTimeout(r, 300));
    expect(values(all)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`).sort());
    for (const m of members) expect(m.received.length).toBeGreaterThan(0);

    // The console's lag view: committed offsets (OffsetFetch) against the log end (ListOffsets).
    const admin2 = kafka.admin();
    await admin2.connect();
    await waitFor(async () => {
      const [committed] = await admin2.fetchOffsets({ groupId: 'kj-rr', topics: ['kj-grp'] });
      return committed!.partitions.reduce((s, p) => s + Number(p.offset), 0) === 60;
    }, 10_000, 'all 60 offsets committed');
    const ends = await admin2.fetchTopicOffsets('kj-grp');
    const [committed] = await admin2.fetchOffsets({ groupId: 'kj-rr', topics: ['kj-grp'] });
    for (const p of committed!.partitions) expect(p.offset).toBe(ends.find((e) => e.partition === p.partition)!.high);
    const described = await admin2.describeGroups(['kj-rr']);
    expect(described.groups[0]).toMatchObject({ groupId: 'kj-rr', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0]!.members).toHaveLength(3);
    expect(described.groups[0]!.members[0]!.clientHost).toBe('/127.0.0.1');
    const listed = await admin2.listGroups();
    expect(listed.groups).toContainEqual({ groupId: 'kj-rr', protocolType: 'consumer' });

    // An offset reset needs an Empty group: kafkajs checks the state first and refuses.
    await expect(admin2.setOffsets({ groupId: 'kj-rr', topic: 'kj-grp', partitions: [{ partition: 0, offset: '0' }] })).rejects.toThrow(/running instances/);
    await admin2.disconnect();

    for (const m of members) await m.consumer.disconnect();

    // Restart the whole cluster on the same data dir: the group resumes where it committed.
    const dataDir = cluster.dataDir;
    await cluster.close();
    cluster = await startGroupCluster(dataDir);
    kafka = kafkaFor(cluster);
    await produce('kj-grp', 60, 30);
    const after: Received[] = [];
    const resumed = await startRecordingConsumer(kafka, 'kj-rr', 'kj-grp', 'd', after);
    await waitFor(() => after.length >= 30, 15_000, '30 new messages after restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(values(after)).toEqual(Array.from({ length: 30 }, (_, i) => `m${60 + i}`).sort());
    await resumed.consumer.disconnect();
    expect(fs.existsSync(`${dataDir}/group-offsets/journal.log`)).toBe(true);
  }, 60_000);

  it('leaves the extra member idle when there are more members than partitions, and keeps two groups independent', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-two', numPartitions: 2, replicationFactor: 1 }] });
    await admin.disconnect();
    const first: Received[] = [];
    const second: Received[] = [];
    const members: RecordingConsumer[] = [];
    for (const name of ['x', 'y', 'z']) members.push(await startRecordingConsumer(kafka, 'kj-many', 'kj-two', name, first));
    members.push(await startRecordingConsumer(kafka, 'kj-other', 'kj-two', 'solo', second));
    const owned = (m: RecordingConsumer) => m.assigned()['kj-two'] ?? [];
    await waitFor(() => members.slice(0, 3).every((m) => m.joined()) && members.slice(0, 3).reduce((s, m) => s + owned(m).length, 0) === 2, 15_000, 'the three members to settle');
    const sizes = members.slice(0, 3).map((m) => owned(m).length).sort();
    expect(sizes).toEqual([0, 1, 1]);
    await waitFor(() => (members[3]!.assigned()['kj-two']?.length ?? 0) === 2, 15_000, 'the other group to own both partitions');
    await produce('kj-two', 0, 20);
    await waitFor(() => first.length >= 20 && second.length >= 20, 15_000, 'both groups to read everything');
    await new Promise((r) => setTimeout(r, 300));
    const expected = Array.from({ length: 20 }, (_, i) => `m${i}`).sort();
    expect(values(first)).toEqual(expected);
    expect(values(second)).toEqual(expected);
    const idle = members.slice(0, 3).find((m) => owned(m).length === 0)!;
    expect(idle.received).toHaveLength(0);
    for (const m of members) await m.consumer.disconnect();
  }, 60_000);
});
