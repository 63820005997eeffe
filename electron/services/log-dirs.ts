// Partition sizes on disk via DescribeLogDirs (API key 35), which kafkajs 2.2.4 does not
// implement. The request goes through kafkajs' own authenticated connection to each broker
// (raw-request.ts), with a compact codec for the one non-flexible version pair we speak: v1
// (v0 has the same layout; Kafka 4 dropped v0). Each broker reports only the replicas it
// holds, so a partition's size is asked of its leader.
import type { KafkaAdapter, RawMetadata } from './kafka-adapter.js';
import { offeredVersion, sendRawRequest } from './raw-request.js';
import { WireReader, WireWriter } from './wire-codec.js';

const API_KEY = 35;

export interface LogDirPartition {
  partition: number;
  sizeBytes: number;
  offsetLag: number;
  isFuture: boolean;
}
export interface LogDirResult {
  errorCode: number;
  logDir: string;
  topics: Array<{ topic: string; partitions: LogDirPartition[] }>;
}
export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  results: LogDirResult[];
}

/** Request body v0/v1: topics (nullable array; null = every replica on the broker). */
export function encodeDescribeLogDirsRequest(topics: Array<{ topic: string; partitions: number[] }> | null): Buffer {
  const w = new WireWriter();
  w.array(topics, (t) => w.string(t.topic).array(t.partitions, (p) => w.i32(p)));
  return w.toBuffer();
}

/** Response body v0/v1 (after the correlation id). Throws on truncated input. */
export function decodeDescribeLogDirsResponse(buf: Buffer): DescribeLogDirsResponse {
  const r = new WireReader(buf, 'DescribeLogDirs');
  const throttleTimeMs = r.i32();
  const results = r.array(() => ({
    errorCode: r.i16(),
    logDir: r.string(),
    topics: r.array(() => ({
      topic: r.string(),
      partitions: r.array(() => ({ partition: r.i32(), sizeBytes: r.i64(), offsetLag: r.i64(), isFuture: r.bool() })),
    })),
  }));
  return { throttleTimeMs, results };
}

/** Sends one DescribeLogDirs to one broker; null when the broker does not offer v0/v1. */
export async function describeLogDirs(
  broker: unknown,
  topics: Array<{ topic: string; partitions: number[] }> | null,
  requestTimeoutMs?: number,
): Promise<DescribeLogDirsResponse | null> {
  const version = offeredVersion(broker, API_KEY, [1, 0]);
  if (version === null) return null;
  return sendRawRequest(broker, {
    apiKey: API_KEY,
    apiName: 'DescribeLogDirs',
    version,
    body: encodeDescribeLogDirsRequest(topics),
    decode: decodeDescribeLogDirsResponse,
    requestTimeoutMs,
  });
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
                const want = wanted.get(t.topic);
                if (!want) continue;
                let m = out.get(t.topic);
                if (!m) out.set(t.topic, (m = new Map()));
                for (const p of t.partitions) {
                  // A future (being moved) replica is a copy, not the partition's size.
                  if (!p.isFuture && want.includes(p.partition)) m.set(p.partition, (m.get(p.partition) ?? 0) + p.sizeBytes);
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
