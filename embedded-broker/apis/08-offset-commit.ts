// OffsetCommit (key 8), v0-9. Rules in group/group-offsets.ts. Versions: v1 adds generation,
// member id and a per-partition commit time; v2-v4 a retention time; v5 drops both; v6 adds the
// leader epoch; v7 the group instance id. The answer waits until the commit is on disk.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { commitOffsets, type CommitPartition } from '../group/group-offsets.js';
import type { Encodable, OffsetCommitRequest, OffsetCommitResponse } from '../protocol/generated/message-types.js';

export const offsetCommitApi = defineApi<OffsetCommitRequest, Encodable<OffsetCommitResponse>>({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  // Not async: a request waiting for its fsync keeps only the promise chain alive, not a
  // suspended async frame (thousands wait at once under load, and each survives scavenges).
  handle(ctx, req) {
    const v = ctx.version;
    const partitions: CommitPartition[] = [];
    for (const t of req.topics) {
      for (const p of t.partitions) {
        partitions.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestamp: v === 1 ? p.commitTimestamp : -1,
        });
      }
    }
    const access = groupAccessError(ctx, req.groupId, true);
    const codes =
      access !== ErrorCode.NONE
        ? partitions.map(() => access)
        : commitOffsets(
            ctx.cluster.groups,
            {
              groupId: req.groupId,
              generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
              memberId: v >= 1 ? req.memberId : '',
              groupInstanceId: v >= 7 ? req.groupInstanceId : null,
              retentionTimeMs: v >= 2 && v <= 4 ? req.retentionTimeMs : -1,
              skipMembershipCheck: v === 0,
            },
            partitions,
            ctx.receivedAt,
          );
    const answer = (list: number[]): Encodable<OffsetCommitResponse> => {
      let i = 0;
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: list[i++]! })) })),
      };
    };
    return Array.isArray(codes) ? answer(codes) : codes.then(answer);
  },
});
