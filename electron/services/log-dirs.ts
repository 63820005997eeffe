// Partition sizes on disk via DescribeLogDirs (API key 35), which kafkajs 2.2.4 does not
// implement. The request goes through kafkajs' own authenticated connection to each broker
// (raw-request.ts), encoded by the broker's schema-generated codec, at v1 or v0 (the same
// non-flexible layout; Kafka 4 dropped v0). Each broker reports only the replicas it
// holds, so a partition's size is asked of its leader.
import type { DescribeLogDirsResponse } from '../../embedded-broker/protocol/generated/message-types.js';
import type { KafkaAdapter, RawMetadata } from './kafka-adapter.js';
import { offeredVersion, sendRequest } from './raw-request.js';

const API_KEY = 35;

/** Sends one DescribeLogDirs to one broker; null when the broker does not offer v0/v1. */
export async function describeLogDirs(
  broker: unknown,
  topics: Array<{ topic: string; partitions: number[] }> | null,
  requestTimeoutMs?: number,
): Promise<DescribeLogDirsResponse | null> {
  const version = offeredVersion(broker, API_KEY, [1, 0]);
  if (version === null) return null;
  return sendRequest<DescribeLogDirsResponse>(broker, { apiKey: API_KEY, apiName: 'DescribeLogDirs', version, body: { topics }, requestTimeoutMs });
}

/**
 * Size on disk of each partition's leader replica: topic → partition → bytes. Returns null
 * when no broker answers DescribeLogDirs (old cluster, or not authorised); partitions whose
 * leader is down or did not report are missing from the map.
 */
export async function leaderPartitionSizes(
  adapter: KafkaAdapter,
  topics: RawMetadata['topicMetadata'],
): Promise<Map<string, Map<number, number>> | null> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const t of topics) {
    for (const p of t.partitionMetadata) {
      if (p.leader < 0) continue;
      let m = byLeader.get(p.leader);
      if (!m) byLeader.set(p.leader, (m = new Map()));
      let list = m.get(t.topic);
      if (!list) m.set(t.topic, (list = []));
      list.push(p.partitionId);
    }
  }
  const out = new Map<string, Map<number, number>>();
  if (byLeader.size === 0) return topics.length === 0 ? out : null;
  let answered = 0;
  try {
    await adapter.run(
      'DescribeLogDirs',
      async () => {
        const raw = await adapter.raw();
        await Promise.all(
          [...byLeader].map(async ([nodeId, wanted]) => {
            let res: DescribeLogDirsResponse | null;
            try {
              const broker = await raw.findBroker({ nodeId });
              res = await describeLogDirs(broker, [...wanted].map(([topic, partitions]) => ({ topic, partitions })), adapter.config.requestTimeoutMs);
            } catch {
              return; // that broker is down or refused: its partitions stay unknown
            }
            if (!res) return;
            let ok = false;
            for (const dir of res.results) {
              if (dir.errorCode !== 0) continue;
              ok = true;
              for (const t of dir.topics) {
                const want = wanted.get(t.name);
                if (!want) continue;
                let m = out.get(t.name);
                if (!m) out.set(t.name, (m = new Map()));
                for (const p of t.partitions) {
                  // A future (being moved) replica is a copy, not the partition's size.
                  if (!p.isFutureKey && want.includes(p.partitionIndex)) m.set(p.partitionIndex, (m.get(p.partitionIndex) ?? 0) + p.partitionSize);
                }
              }
            }
            if (ok) answered++;
          }),
        );
      },
      adapter.config.connectionTimeoutMs + adapter.config.requestTimeoutMs + 500,
    );
  } catch {
    return answered > 0 ? out : null;
  }
  return answered > 0 ? out : null;
}

/** Sum over a topic's partitions; null when no partition of it has a known size. */
export function topicSize(sizes: Map<string, Map<number, number>> | null, topic: string): number | null {
  const m = sizes?.get(topic);
  if (!m || m.size === 0) return null;
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
