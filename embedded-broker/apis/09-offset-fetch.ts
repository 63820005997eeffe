// OffsetFetch (key 9), v0-9. v0-7 ask for one group (v2+ with a top-level error and null
// topics meaning "all"); v8+ ask for several groups at once, each with its own error.
// Partitions without a commit answer offset -1 and no error, as Kafka does. require_stable
// (v7+): a partition with offsets pending in an open transaction (TxnOffsetCommit, txn/)
// answers UNSTABLE_OFFSET_COMMIT, which clients retry until the transaction completes.
// A sandbox fault answers v8+ with the error on every group (v0-7 carry it at the top level).
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { fetchOffsets } from '../group/group-offsets.js';
import type { Encodable, OffsetFetchRequest, OffsetFetchResponse } from '../protocol/generated/message-types.js';

function fetchGroup(ctx: RequestContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false) {
  const errorCode = groupAccessError(ctx, groupId, true);
  if (errorCode !== ErrorCode.NONE) return { errorCode, topics: [] };
  const fetched = fetchOffsets(ctx.cluster.groups, groupId, topics);
  // Hook for transactions (txn/txn-coordinator.ts): offsets not yet committed or aborted.
  if (requireStable) {
    for (const t of fetched) {
      for (const p of t.partitions) {
        if (ctx.cluster.txns.hasPendingOffsets(groupId, t.name, p.partitionIndex)) Object.assign(p, { errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT, committedOffset: -1 });
      }
    }
  }
  return { errorCode, topics: fetched };
}

export const offsetFetchApi = defineApi<OffsetFetchRequest, Encodable<OffsetFetchResponse>>({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  handle(ctx, req) {
    const v = ctx.version;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => {
          if (ctx.injectedError !== undefined) return { groupId: g.groupId, errorCode: ctx.injectedError, topics: [] };
          const r = fetchGroup(ctx, g.groupId, g.topics, req.requireStable);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.topics };
        }),
      };
    }
    // v0/v1 have no "all topics" form; an empty list simply asks for nothing.
    const topics = v < 2 ? (req.topics ?? []) : req.topics;
    const r = fetchGroup(ctx, req.groupId, topics, v >= 7 && req.requireStable);
    if (r.errorCode !== ErrorCode.NONE && v < 2) {
      // No top-level error field before v2: every requested partition carries it.
      return {
        throttleTimeMs: 0,
        topics: (topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode })),
        })),
      };
    }
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
  },
});
