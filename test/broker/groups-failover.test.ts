// Coordinator failover: the broker coordinating a group stops mid-run. Members find the new
// coordinator, commits keep working and no committed offset goes backwards. The topic's
// partitions live only on the other brokers, so the test isolates the coordinator move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import type { TestCluster } from '../helpers/embedded-cluster.js';
import { placeKey } from '../../embedded-broker/group/coordinator-placement.js';
import { kafkaFor, startGroupCluster, startRecordingConsumer, waitFor, type Received } from '../interop/groups-support.js';

let cluster: TestCluster;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startGroupCluster();
  kafka = kafkaFor(cluster, 'keel-failover');
}, 30_000);

afterAll(async () => cluster?.destroy());

async function committedTotal(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

describe('group coordinator failover', () => {
  it('moves the group to another broker when its coordinator stops, keeping every commit', async () => {
    const groupId = 'fo-group';
    const coordinator = placeKey(groupId, [true, true, true]);
    const others = [1, 2, 3].filter((n) => n !== coordinator);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: 'fo', replicaAssignment: [0, 1, 2, 3].map((partition) => ({ partition, replicas: [others[partition % 2]!] })) }],
    });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) => producer.send({ topic: 'fo', messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` })) });
    const all: Received[] = [];
    const a = await startRecordingConsumer(kafka, groupId, 'fo', 'a', all);
    const b = await startRecordingConsumer(kafka, groupId, 'fo', 'b', all);
    await waitFor(() => (a.assigned()['fo']?.length ?? 0) + (b.assigned()['fo']?.length ?? 0) === 4 && (a.assigned()['fo']?.length ?? 0) > 0 && (b.assigned()['fo']?.length ?? 0) > 0, 15_000, 'a and b sharing the topic');
    await send(0, 40);
    await waitFor(() => new Set(all.map((r) => r.value)).size === 40, 15_000, 'the first 40 messages');
    await waitFor(async () => [...(await committedTotal(groupId, 'fo')).values()].reduce((s, o) => s + Math.max(o, 0), 0) === 40, 10_000, '40 committed');
    const before = await committedTotal(groupId, 'fo');

    await cluster.control.stopBroker(coordinator);
    const moved = placeKey(groupId, [1, 2, 3].map((n) => n !== coordinator));
    expect(moved).not.toBe(coordinator);

    await send(40, 40);
    await waitFor(() => new Set(all.map((r) => r.value)).size === 80, 30_000, 'all 80 messages after the failover');
    await waitFor(async () => [...(await committedTotal(groupId, 'fo')).values()].reduce((s, o) => s + Math.max(o, 0), 0) === 80, 20_000, '80 committed at the new coordinator');
    const after = await committedTotal(groupId, 'fo');
    for (const [p, o] of before) expect(after.get(p)!).toBeGreaterThanOrEqual(o);

    const described = await (async () => {
      const ad = kafka.admin();
      await ad.connect();
      try {
        return (await ad.describeGroups([groupId])).groups[0]!;
      } finally {
        await ad.disconnect();
      }
    })();
    expect(described.state).toBe('Stable');
    expect(described.members).toHaveLength(2);
    await a.consumer.disconnect();
    await b.consumer.disconnect();
    await producer.disconnect();
  }, 60_000);
});
