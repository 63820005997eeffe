// DeleteRecords (key 21), v0-2: advances a partition's log start offset; -1 means "up
// to the high watermark". Offsets past the high watermark are out of range.
import { defineApi } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse, Encodable } from '../protocol/generated/message-types.js';

export const deleteRecordsApi = defineApi<DeleteRecordsRequest, Encodable<DeleteRecordsResponse>>({
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            const partition = leaderPartition(ctx, findTopic(ctx, t.name), p.partitionIndex);
            const hw = partition.highWatermark;
            const target = p.offset === -1 ? hw : p.offset;
            if (target < 0 || target > hw) throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Offset ${p.offset} is beyond the high watermark ${hw}.`);
            let lowWatermark = partition.leaderLog().logStartOffset;
            if (target > lowWatermark) {
              // Every replica drops the records, not only the leader.
              for (const replica of partition.state.replicas) {
                if (ctx.cluster.node(replica).isRunning) lowWatermark = partition.logOn(replica).deleteRecordsBefore(target);
              }
            }
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
          } catch (err) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: errorCodeOf(ctx, err).code };
          }
        }),
      })),
    };
  },
});
