// OffsetForLeaderEpoch (key 23), v0-4: for a leader epoch, the largest epoch the leader
// knows that is not greater, and the offset where it ended. Followers use it to truncate a
// diverged log before fetching; consumers use it to validate their position after a
// leader change.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import type { Encodable, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../protocol/generated/message-types.js';

export const offsetForLeaderEpochApi = defineApi<OffsetForLeaderEpochRequest, Encodable<OffsetForLeaderEpochResponse>>({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          try {
            const partition = leaderPartition(ctx, findTopic(ctx, t.topic), p.partition, ctx.version >= 2 ? p.currentLeaderEpoch : -1);
            const { epoch, endOffset } = partition.leaderLog().endOffsetForEpoch(p.leaderEpoch);
            return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: epoch, endOffset };
          } catch (err) {
            return { errorCode: errorCodeOf(ctx, err).code, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
          }
        }),
      })),
    };
  },
});
