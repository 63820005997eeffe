// Committed offsets of many consumer groups in a few requests: one batched FindCoordinator
// (v4+, KIP-699) for the groups whose coordinator is not known from an earlier call, then one
// OffsetFetch (v8+, KIP-709) per coordinator carrying all its groups (chunked), with topics
// null = every committed offset. kafkajs 2.2.4 speaks neither version, so both go through
// raw-request.ts with a codec for their flexible layouts.
//
// This is a fast path only: a group it cannot answer cleanly (the cluster offers no v8, the
// coordinator moved or is loading, a group or partition error, a broker that does not answer)
// is simply left out, and the caller asks kafkajs for it one group at a time, which retries
// coordinator errors and words the others the way the rest of the console does.
import type { KafkaAdapter } from './kafka-adapter.js';
import { offeredVersion, sendRawRequest } from './raw-request.js';
import { WireReader, WireWriter } from './wire-codec.js';

const FIND_COORDINATOR = 10;
const OFFSET_FETCH = 9;
/** v5 and v6 only add error codes to v4's layout. */
const FIND_COORDINATOR_VERSIONS = [4, 5, 6];
/** v9 adds the KIP-848 member id and epoch, which an admin leaves null/-1. */
const OFFSET_FETCH_VERSIONS = [8, 9];
const GROUP_KEY_TYPE = 0;
/** Bounds one response: a group answers ~25 bytes per committed partition. */
export const GROUPS_PER_REQUEST = 200;
const KEYS_PER_REQUEST = 1_000;

export interface FoundCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FetchedGroupOffsets {
  groupId: string;
  errorCode: number;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: number; leaderEpoch: number; metadata: string | null; errorCode: number }> }>;
}

/** Request body v4-6 for group keys (flexible). */
export function encodeFindCoordinatorRequest(keys: string[]): Buffer {
  const w = new WireWriter();
  w.i8(GROUP_KEY_TYPE);
  w.compactArray(keys, (k) => w.compactString(k));
  return w.noTags().toBuffer();
}

/** Response body v4-6 (after the response header). */
export function decodeFindCoordinatorResponse(buf: Buffer): { throttleTimeMs: number; coordinators: FoundCoordinator[] } {
  const r = new WireReader(buf, 'FindCoordinator');
  const throttleTimeMs = r.i32();
  const coordinators = r.compactArray(() => {
    const c = { key: r.compactString() ?? '', nodeId: r.i32(), host: r.compactString() ?? '', port: r.i32(), errorCode: r.i16(), errorMessage: r.compactString() };
    r.skipTags();
    return c;
  });
  r.skipTags();
  return { throttleTimeMs, coordinators };
}

/** Request body v8/v9 (flexible): every committed offset of each group, not waiting for transactions. */
export function encodeOffsetFetchRequest(version: number, groupIds: string[]): Buffer {
  const w = new WireWriter();
  w.compactArray(groupIds, (groupId) => {
    w.compactString(groupId);
    if (version >= 9) w.compactString(null).i32(-1);
    w.compactArray(null, () => undefined);
    w.noTags();
  });
  w.bool(false); // require_stable
  return w.noTags().toBuffer();
}

/** Response body v8/v9 (after the response header). */
export function decodeOffsetFetchResponse(buf: Buffer): { throttleTimeMs: number; groups: FetchedGroupOffsets[] } {
  const r = new WireReader(buf, 'OffsetFetch');
  const throttleTimeMs = r.i32();
  const groups = r.compactArray((): FetchedGroupOffsets => {
    const groupId = r.compactString() ?? '';
    const topics = r.compactArray(() => {
      const topic = r.compactString() ?? '';
      const partitions = r.compactArray(() => {
        const p = { partition: r.i32(), offset: r.i64(), leaderEpoch: r.i32(), metadata: r.compactString(), errorCode: r.i16() };
        r.skipTags();
        return p;
      });
      r.skipTags();
      return { topic, partitions };
    });
    const errorCode = r.i16();
    r.skipTags();
    return { groupId, errorCode, topics };
  });
  r.skipTags();
  return { throttleTimeMs, groups };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchedOffsets {
  /** Committed offsets (>= 0) of the groups answered in full; a group missing here was not. */
  offsets: Map<string, Array<{ topic: string; partition: number; offset: number }>>;
  /** Requests sent, for tests and benchmarks. */
  requests: { findCoordinator: number; offsetFetch: number };
}

/** Group → coordinator node for the groups whose coordinator is known and ready. */
async function findCoordinators(adapter: KafkaAdapter, groupIds: string[], stats: BatchedOffsets['requests']): Promise<Map<number, string[]> | null> {
  const timeout = adapter.config.requestTimeoutMs;
  return adapter.onAnyBroker(async (broker) => {
    const version = offeredVersion(broker, FIND_COORDINATOR, FIND_COORDINATOR_VERSIONS);
    // Clusters got both versions in the same release (Kafka 3.0); without either, no batching.
    if (version === null || offeredVersion(broker, OFFSET_FETCH, OFFSET_FETCH_VERSIONS) === null) return null;
    const answers = await Promise.all(
      chunks(groupIds, KEYS_PER_REQUEST).map((keys) => {
        stats.findCoordinator++;
        const body = encodeFindCoordinatorRequest(keys);
        return sendRawRequest(broker, { apiKey: FIND_COORDINATOR, apiName: 'FindCoordinator', version, body, flexible: true, decode: decodeFindCoordinatorResponse, requestTimeoutMs: timeout });
      }),
    );
    const wanted = new Set(groupIds);
    const byNode = new Map<number, string[]>();
    for (const c of answers.flatMap((a) => a.coordinators)) {
      if (c.errorCode !== 0 || c.nodeId < 0 || !wanted.has(c.key)) continue;
      wanted.delete(c.key);
      let list = byNode.get(c.nodeId);
      if (!list) byNode.set(c.nodeId, (list = []));
      list.push(c.key);
    }
    return byNode;
  });
}

/** Error codes that mean "ask FindCoordinator again" (Kafka's COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR). */
const COORDINATOR_MOVED = new Set([14, 15, 16]);

/**
 * Each adapter's group → coordinator node from earlier calls. A sampler asks for the same
 * groups every few seconds and coordinators rarely move, so FindCoordinator is sent only for
 * groups not known yet; a group whose coordinator errs or does not answer is forgotten.
 */
const knownCoordinators = new WeakMap<KafkaAdapter, Map<string, number>>();

/**
 * Committed offsets of these groups, batched per coordinator. Never throws for a broker's
 * or a group's trouble: those groups are just absent from the result.
 */
export async function fetchOffsetsBatched(adapter: KafkaAdapter, groupIds: string[]): Promise<BatchedOffsets> {
  const result: BatchedOffsets = { offsets: new Map(), requests: { findCoordinator: 0, offsetFetch: 0 } };
  if (groupIds.length === 0) return result;
  let known = knownCoordinators.get(adapter);
  if (!known) knownCoordinators.set(adapter, (known = new Map()));
  const wanted = new Set(groupIds);
  for (const g of known.keys()) if (!wanted.has(g)) known.delete(g);
  const unknown = groupIds.filter((g) => !known.has(g));
  let found: Map<number, string[]> | null = new Map();
  try {
    if (unknown.length > 0) found = await findCoordinators(adapter, unknown, result.requests);
  } catch {
    found = new Map(); // none found this time; the known ones are still asked
  }
  if (!found) return result;
  for (const [nodeId, ids] of found) for (const g of ids) known.set(g, nodeId);
  const byNode = new Map<number, string[]>();
  for (const g of groupIds) {
    const nodeId = known.get(g);
    if (nodeId === undefined) continue;
    let list = byNode.get(nodeId);
    if (!list) byNode.set(nodeId, (list = []));
    list.push(g);
  }
  const raw = await adapter.raw();
  await Promise.all(
    [...byNode].flatMap(([nodeId, ids]) =>
      chunks(ids, GROUPS_PER_REQUEST).map(async (chunk) => {
        let res: ReturnType<typeof decodeOffsetFetchResponse>;
        try {
          const broker = await raw.findBroker({ nodeId });
          const version = offeredVersion(broker, OFFSET_FETCH, OFFSET_FETCH_VERSIONS);
          if (version === null) return;
          result.requests.offsetFetch++;
          const body = encodeOffsetFetchRequest(version, chunk);
          res = await sendRawRequest(broker, { apiKey: OFFSET_FETCH, apiName: 'OffsetFetch', version, body, flexible: true, decode: decodeOffsetFetchResponse, requestTimeoutMs: adapter.config.requestTimeoutMs });
        } catch {
          // The coordinator is down or unknown to us: kafkajs will look again, and so will the next call.
          for (const g of chunk) known.delete(g);
          return;
        }
        const asked = new Set(chunk);
        const answered = new Set<string>();
        for (const g of res.groups) {
          if (!asked.has(g.groupId)) continue;
          answered.add(g.groupId);
          if (COORDINATOR_MOVED.has(g.errorCode)) known.delete(g.groupId);
          if (g.errorCode !== 0) continue;
          if (g.topics.some((t) => t.partitions.some((p) => p.errorCode !== 0))) continue;
          const offsets: Array<{ topic: string; partition: number; offset: number }> = [];
          for (const t of g.topics) for (const p of t.partitions) if (p.offset >= 0) offsets.push({ topic: t.topic, partition: p.partition, offset: p.offset });
          result.offsets.set(g.groupId, offsets);
        }
        for (const g of chunk) if (!answered.has(g)) known.delete(g);
      }),
    ),
  );
  return result;
}
