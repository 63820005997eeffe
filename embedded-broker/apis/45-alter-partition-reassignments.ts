// AlterPartitionReassignments (key 45), v0: start (replicas) or cancel (null) a
// reassignment per partition; the controller completes it once new replicas are in sync.
import { defineApi } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, failIfInjected } from './partition-access.js';
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, Encodable } from '../protocol/generated/message-types.js';

export const alterPartitionReassignmentsApi = defineApi<AlterPartitionReassignmentsRequest, Encodable<AlterPartitionReassignmentsResponse>>({
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    let changed = false;
    const responses = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        try {
          failIfInjected(ctx);
          const partition = ctx.cluster.partition(t.name, p.partitionIndex);
          if (!partition) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${t.name}-${p.partitionIndex}.`);
          ctx.cluster.reassignments.alter(partition, p.replicas);
          changed = true;
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          const { code, message } = errorCodeOf(ctx, err);
          return { partitionIndex: p.partitionIndex, errorCode: code, errorMessage: message };
        }
      }),
    }));
    if (changed) ctx.cluster.persist();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
});
