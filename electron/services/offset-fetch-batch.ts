// Committed offsets of many consumer groups in a few requests: one batched FindCoordinator
// (v4+, KIP-699) for the groups whose coordinator is not known from an earlier call, then one
// OffsetFetch (v8+, KIP-709) per coordinator carrying all its groups (chunked), with topics
// null = every committed offset. kafkajs 2.2.4 speaks neither version, so both go through
// raw-request.ts, encoded by the broker's schema-generated codec.
//
// This is a fast path only: a group it cannot answer cleanly (the cluster offers no v8, the
// coordinator moved or is loading, a group or partition error, a broker that does not answer)
// is simply left out, and the caller asks kafkajs for it one group at a time, which retries
// coordinator errors and words the others the way the rest of the console does.
import type { FindCoordinatorResponse, OffsetFetchResponse } from '../../embedded-broker/protocol/generated/message-types.js';
import type { KafkaAdapter } from './kafka-adapter.js';
import { offeredVersion, sendRequest } from './raw-request.js';

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
        const body = { keyType: GROUP_KEY_TYPE, coordinatorKeys: keys };
        return sendRequest<FindCoordinatorResponse>(broker, { apiKey: FIND_COORDINATOR, apiName: 'FindCoordinator', version, body, requestTimeoutMs: timeout });
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
        let res: OffsetFetchResponse;
        try {
          const broker = await raw.findBroker({ nodeId });
          const version = offeredVersion(broker, OFFSET_FETCH, OFFSET_FETCH_VERSIONS);
          if (version === null) return;
          result.requests.offsetFetch++;
          // Every committed offset (topics null) of each group, not waiting for transactions; an admin has no KIP-848 member.
          const body = { groups: chunk.map((groupId) => ({ groupId, memberId: null, memberEpoch: -1, topics: null })), requireStable: false };
          res = await sendRequest<OffsetFetchResponse>(broker, { apiKey: OFFSET_FETCH, apiName: 'OffsetFetch', version, body, requestTimeoutMs: adapter.config.requestTimeoutMs });
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
          for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0) offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset });
          result.offsets.set(g.groupId, offsets);
        }
        for (const g of chunk) if (!answered.has(g)) known.delete(g);
      }),
    ),
  );
  return result;
}
