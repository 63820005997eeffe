// DescribeProducers (key 61), v0. The active producers of partitions this broker leads, from
// the leader replica's producer state (txn/producer-state.ts): epoch, last sequence, last
// timestamp, coordinator epoch and the start offset of an open transaction (-1 if none).
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import { producerStateOf } from '../txn/log-producer-state.js';
import type { DescribeProducersRequest, DescribeProducersResponse, Encodable } from '../protocol/generated/message-types.js';

export const describeProducersApi = defineApi<DescribeProducersRequest, Encodable<DescribeProducersResponse>>({
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          try {
            const partition = leaderPartition(ctx, findTopic(ctx, t.name), partitionIndex);
            const table = producerStateOf(partition.leaderLog());
            return {
              partitionIndex,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              activeProducers: [...table.producers.values()].map((e) => ({
                producerId: e.producerId,
                producerEpoch: e.epoch,
                lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1,
                lastTimestamp: e.lastTimestamp,
                coordinatorEpoch: e.coordinatorEpoch,
                currentTxnStartOffset: e.currentTxnFirstOffset,
              })),
            };
          } catch (err) {
            const { code, message } = errorCodeOf(ctx, err);
            return { partitionIndex, errorCode: code, errorMessage: message, activeProducers: [] };
          }
        }),
      })),
    };
  },
});
