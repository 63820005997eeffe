// ListPartitionReassignments (key 46), v0: the reassignments in progress.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import type { Encodable, ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../protocol/generated/message-types.js';

export const listPartitionReassignmentsApi = defineApi<ListPartitionReassignmentsRequest, Encodable<ListPartitionReassignmentsResponse>>({
  apiKey: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const wanted = req.topics ? new Map(req.topics.map((t) => [t.name, new Set(t.partitionIndexes)])) : null;
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[]>();
    for (const p of ctx.cluster.reassignments.ongoing()) {
      if (wanted && !wanted.get(p.topic.name)?.has(p.index)) continue;
      const list = byTopic.get(p.topic.name) ?? [];
      list.push({ partitionIndex: p.index, replicas: p.state.replicas, addingReplicas: p.state.addingReplicas ?? [], removingReplicas: p.state.removingReplicas ?? [] });
      byTopic.set(p.topic.name, list);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    };
  },
});
