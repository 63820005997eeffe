// OffsetDelete (key 47), v0: removes committed offsets of an Empty group, or of topics an
// active consumer group does not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { deleteOffsets } from '../group/group-offsets.js';
import type { Encodable, OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/generated/message-types.js';

export const offsetDeleteApi = defineApi<OffsetDeleteRequest, Encodable<OffsetDeleteResponse>>({
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, req) {
    const access = groupAccessError(ctx, req.groupId, false);
    if (access !== ErrorCode.NONE) return { errorCode: access, throttleTimeMs: 0, topics: [] };
    const partitions = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const outcome = await deleteOffsets(ctx.cluster.groups, req.groupId, partitions);
    if (outcome.errorCode !== ErrorCode.NONE) return { errorCode: outcome.errorCode, throttleTimeMs: 0, topics: [] };
    let i = 0;
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: outcome.codes[i++]! })) })),
    };
  },
});
