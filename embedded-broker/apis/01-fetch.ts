// Fetch (key 1), v4-17 (v0-3 would need message format 0/1). Returns whole batches from
// the one containing the fetch offset, up to the high watermark (read_committed: the last
// stable offset), bounded by per-partition and response max bytes — but always at least
// one batch in the response so a large batch cannot stall a consumer (KIP-74). When less
// than min bytes is available the request long-polls until an append to one of its
// partitions or max wait. Fetch sessions are not offered: answering session id 0 tells
// clients to keep sending full fetches. A fetch carrying a replica id is a follower's:
// it reads up to the log end offset, reports the follower's position to the leader (which
// may move the high watermark and grow the ISR) and long-polls on appends instead.
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, leaderPartition } from './partition-access.js';
import type { Partition } from '../cluster/partition.js';
import type { Topic } from '../cluster/topic.js';
import { producerStateOf } from '../txn/log-producer-state.js';
import type { Encodable, FetchRequest, FetchResponse, FetchResponsePartitionData } from '../protocol/generated/message-types.js';

interface Target {
  topicName: string;
  topicId: string;
  topic?: Topic;
  partition?: Partition;
  index: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  lookupError?: { code: number; message: string };
}

function replicaIdOf(ctx: RequestContext, req: FetchRequest): number {
  return ctx.version >= 15 ? req.replicaState.replicaId : req.replicaId;
}

function resolveTargets(ctx: RequestContext, req: FetchRequest, replicaId: number): Target[] {
  const targets: Target[] = [];
  for (const t of req.topics) {
    const topic = ctx.version >= 13 ? ctx.cluster.topicsById.get(t.topicId) : ctx.cluster.topics.get(t.topic);
    for (const p of t.partitions) {
      const target: Target = { topicName: t.topic, topicId: t.topicId, topic, index: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch };
      try {
        if (!topic) throw new KafkaError(ctx.version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unknown topic');
        target.partition = leaderPartition(ctx, topic, p.partition, p.currentLeaderEpoch);
        if (replicaId >= 0 && !target.partition.state.replicas.includes(replicaId)) {
          throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Broker ${replicaId} is not a replica of ${target.partition.name}.`);
        }
      } catch (err) {
        target.lookupError = errorCodeOf(ctx, err);
      }
      targets.push(target);
    }
  }
  return targets;
}

interface ReadOutcome {
  bytes: number;
  hasError: boolean;
  response: Encodable<FetchResponse>;
}

function readAll(ctx: RequestContext, req: FetchRequest, targets: Target[], replicaId: number): ReadOutcome {
  const readCommitted = req.isolationLevel === 1 && replicaId < 0;
  let remaining = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  let bytes = 0;
  let hasError = false;
  const byTopic = new Map<Target['topic'] | string, { topic: string; topicId: string; partitions: Encodable<FetchResponsePartitionData>[] }>();
  for (const target of targets) {
    const key = target.topic ?? `${target.topicName}/${target.topicId}`;
    let entry = byTopic.get(key);
    if (!entry) byTopic.set(key, (entry = { topic: target.topicName, topicId: target.topicId, partitions: [] }));
    const data = readPartition(target, readCommitted, remaining, bytes === 0, ctx, replicaId);
    if (data.errorCode !== ErrorCode.NONE) hasError = true;
    const size = data.size;
    bytes += size;
    remaining = Math.max(0, remaining - size);
    entry.partitions.push(data.response);
  }
  return {
    bytes,
    hasError,
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [...byTopic.values()] },
  };
}

function readPartition(target: Target, readCommitted: boolean, remaining: number, first: boolean, ctx: RequestContext, replicaId: number) {
  const base = { partitionIndex: target.index, preferredReadReplica: -1, abortedTransactions: readCommitted ? [] : null };
  const fail = (code: number) => ({
    errorCode: code,
    size: 0,
    response: { ...base, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: Buffer.alloc(0), currentLeader: currentLeader(target) },
  });
  if (target.lookupError) return fail(target.lookupError.code);
  const partition = target.partition!;
  try {
    // Leadership may have moved while this request waited.
    if (partition.state.leader !== ctx.node.nodeId) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'leader moved');
    const log = partition.leaderLog();
    const hw = partition.highWatermark;
    // Followers copy everything the leader has; consumers see only what the ISR holds, and
    // read_committed ones only up to the last stable offset (txn/producer-state.ts: the
    // first offset of the earliest open transaction, else the high watermark).
    const txnState = producerStateOf(log);
    const lso = txnState.lastStableOffset(hw);
    const upper = replicaId >= 0 ? log.logEndOffset : readCommitted ? lso : hw;
    if (target.fetchOffset < log.logStartOffset || target.fetchOffset > log.logEndOffset) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Fetch offset ${target.fetchOffset} is out of range [${log.logStartOffset}, ${log.logEndOffset}]`);
    }
    const maxBytes = Math.min(target.partitionMaxBytes, remaining);
    const read = target.fetchOffset >= upper || (maxBytes <= 0 && !first) ? { chunks: [], bytes: 0 } : log.read(target.fetchOffset, maxBytes, upper, first);
    return {
      errorCode: ErrorCode.NONE,
      size: read.bytes,
      response: {
        ...base,
        // read_committed: aborted transactions overlapping what is returned, so the client skips their batches.
        abortedTransactions: readCommitted ? txnState.abortedBetween(target.fetchOffset, upper) : null,
        errorCode: ErrorCode.NONE,
        highWatermark: hw,
        lastStableOffset: lso,
        logStartOffset: log.logStartOffset,
        records: read.chunks,
      },
    };
  } catch (err) {
    return fail(errorCodeOf(ctx, err).code);
  }
}

function currentLeader(target: Target) {
  const state = target.partition?.state ?? target.topic?.partitions[target.index]?.state;
  return state ? { leaderId: state.leader, leaderEpoch: state.leaderEpoch } : undefined;
}

/** The fetch offset is the follower's log end offset: tell the leader, which may move the HW and ISR. */
function recordFollowerPositions(ctx: RequestContext, targets: Target[], replicaId: number): void {
  const now = Date.now();
  for (const target of targets) {
    const partition = target.partition;
    if (!partition || target.lookupError || partition.deleted) continue;
    partition.recordFollowerFetch(replicaId, target.fetchOffset, now);
    ctx.cluster.controller.followerFetched(partition, replicaId);
  }
}

export const fetchApi = defineApi<FetchRequest, Encodable<FetchResponse>>({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  handle(ctx, req) {
    if (ctx.version >= 7 && req.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const replicaId = replicaIdOf(ctx, req);
    const targets = resolveTargets(ctx, req, replicaId);
    if (replicaId >= 0) recordFollowerPositions(ctx, targets, replicaId);
    const first = readAll(ctx, req, targets, replicaId);
    if (first.bytes >= req.minBytes || req.maxWaitMs <= 0 || first.hasError || targets.length === 0) return first.response;
    return new Promise((resolve) => {
      const unsubscribes: (() => void)[] = [];
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const u of unsubscribes) u();
        resolve(readAll(ctx, req, targets, replicaId).response);
      };
      const timer = setTimeout(finish, req.maxWaitMs);
      const onAppend = () => {
        if (settled) return;
        // The usual min bytes of 1 is met by any new data; only larger thresholds need a re-read.
        if (req.minBytes <= 1) {
          finish();
          return;
        }
        const outcome = readAll(ctx, req, targets, replicaId);
        if (outcome.bytes >= req.minBytes || outcome.hasError) finish();
      };
      for (const target of targets) {
        const p = target.partition;
        if (p) unsubscribes.push(replicaId >= 0 ? p.onAppend(onAppend) : p.onProgress(onAppend));
      }
      if (replicaId >= 0) unsubscribes.push(ctx.cluster.replication.onFollowerWake(replicaId, finish));
      // Nobody will read the answer once the client hung up: stop waiting (and re-reading on
      // every append) now instead of holding the request for up to maxWaitMs.
      const offClose = ctx.connection.onClose?.(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const u of unsubscribes) u();
        resolve(first.response);
      });
      if (offClose) unsubscribes.push(offClose);
    });
  },
});
