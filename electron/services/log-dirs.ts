// Partition sizes on disk via DescribeLogDirs (API key 35), which kafkajs 2.2.4 does not
// implement. The request goes through kafkajs' own authenticated connection to each broker
// (so TLS/SASL and timeouts are the cluster's), with a compact codec for the one non-flexible
// version pair we speak: v1 (v0 has the same layout; Kafka 4 dropped v0). Each broker reports
// only the replicas it holds, so a partition's size is asked of its leader.
import type { KafkaAdapter, RawMetadata } from './kafka-adapter.js';

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

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Request body v0/v1: topics (nullable array; null = every replica on the broker). */
export function encodeDescribeLogDirsRequest(topics: Array<{ topic: string; partitions: number[] }> | null): Buffer {
  if (topics === null) return int32(-1);
  const parts: Buffer[] = [int32(topics.length)];
  for (const t of topics) {
    parts.push(str(t.topic), int32(t.partitions.length));
    for (const p of t.partitions) parts.push(int32(p));
  }
  return Buffer.concat(parts);
}

/** Response body v0/v1 (after the correlation id). Throws on truncated input. */
export function decodeDescribeLogDirsResponse(buf: Buffer): DescribeLogDirsResponse {
  let at = 0;
  const need = (n: number) => {
    if (at + n > buf.length) throw new Error(`DescribeLogDirs response truncated at byte ${at}`);
  };
  const i16 = () => (need(2), (at += 2), buf.readInt16BE(at - 2));
  const i32 = () => (need(4), (at += 4), buf.readInt32BE(at - 4));
  const i64 = () => (need(8), (at += 8), Number(buf.readBigInt64BE(at - 8)));
  const bool = () => (need(1), (at += 1), buf[at - 1] !== 0);
  const string = () => {
    const len = i16();
    if (len < 0) return '';
    need(len);
    at += len;
    return buf.toString('utf8', at - len, at);
  };
  const array = <T>(item: () => T): T[] => {
    const n = i32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  };
  const throttleTimeMs = i32();
  const results = array(() => ({
    errorCode: i16(),
    logDir: string(),
    topics: array(() => ({
      topic: string(),
      partitions: array(() => ({ partition: i32(), sizeBytes: i64(), offsetLag: i64(), isFuture: bool() })),
    })),
  }));
  return { throttleTimeMs, results };
}

/** The slice of kafkajs' Broker used here: its negotiated versions and its connection pool. */
interface BrokerWithPool {
  versions?: Record<string, { minVersion: number; maxVersion: number }> | null;
  connectionPool: {
    send(args: {
      request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<{ buf: Buffer; buffer: Buffer }> };
      response: { decode(payload: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
      requestTimeout?: number;
    }): Promise<unknown>;
  };
}

function pickVersion(versions: BrokerWithPool['versions']): number | null {
  const v = versions?.[String(API_KEY)];
  if (!v) return null;
  for (const candidate of [1, 0]) if (candidate >= v.minVersion && candidate <= v.maxVersion) return candidate;
  return null;
}

/** Sends one DescribeLogDirs to one broker; null when the broker does not offer v0/v1. */
export async function describeLogDirs(
  broker: unknown,
  topics: Array<{ topic: string; partitions: number[] }> | null,
  requestTimeoutMs?: number,
): Promise<DescribeLogDirsResponse | null> {
  const b = broker as BrokerWithPool;
  const version = pickVersion(b.versions);
  if (version === null) return null;
  const body = encodeDescribeLogDirsRequest(topics);
  const res = await b.connectionPool.send({
    // kafkajs' framing wants something shaped like its Encoder: `buf` checked, `buffer` written.
    request: { apiKey: API_KEY, apiVersion: version, apiName: 'DescribeLogDirs', encode: async () => ({ buf: body, buffer: body }) },
    response: { decode: async (payload) => decodeDescribeLogDirsResponse(payload), parse: async (d) => d },
    ...(requestTimeoutMs !== undefined ? { requestTimeout: requestTimeoutMs } : {}),
  });
  return res as DescribeLogDirsResponse;
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
