// DescribeTransactions (key 65), v0. State, timeout, start time, producer id/epoch and
// partitions of each transactional id this broker coordinates (NOT_COORDINATOR for others,
// TRANSACTIONAL_ID_NOT_FOUND for unknown ids).
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse, Encodable } from '../protocol/generated/message-types.js';

export const describeTransactionsApi = defineApi<DescribeTransactionsRequest, Encodable<DescribeTransactionsResponse>>({
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const empty = { transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        if (ctx.injectedError !== undefined) return { ...empty, transactionalId, errorCode: ctx.injectedError };
        if (!ctx.cluster.txns.isCoordinator(transactionalId, ctx.node.nodeId)) return { ...empty, transactionalId, errorCode: ErrorCode.NOT_COORDINATOR };
        const meta = ctx.cluster.txns.txns.get(transactionalId);
        if (!meta) return { ...empty, transactionalId, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
        const byTopic = new Map<string, number[]>();
        for (const p of meta.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: meta.state,
          transactionTimeoutMs: meta.timeoutMs,
          transactionStartTimeMs: meta.startTime,
          producerId: meta.producerId,
          producerEpoch: meta.producerEpoch,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
});
