// ListOffsets (key 2), v0-9: earliest (-2), latest (-1: the high watermark, or the last
// stable offset for read_committed), max timestamp (-3, v7+), earliest local (-4, v8+),
// and by timestamp: the earliest offset whose timestamp is >= the target. Offsets past
// the high watermark are never revealed to consumers.
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import { producerStateOf } from '../txn/log-producer-state.js';
import type { Encodable, ListOffsetsRequest, ListOffsetsRequestListOffsetsPartition, ListOffsetsResponse, ListOffsetsResponseListOffsetsPartitionResponse } from '../protocol/generated/message-types.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

type Answer = Encodable<ListOffsetsResponseListOffsetsPartitionResponse>;

function lookup(ctx: RequestContext, topicName: string, p: ListOffsetsRequestListOffsetsPartition, isolationLevel: number): Answer {
  const topic = findTopic(ctx, topicName);
  const partition = leaderPartition(ctx, topic, p.partitionIndex, ctx.version >= 4 ? p.currentLeaderEpoch : -1);
  const log = partition.leaderLog();
  const hw = partition.highWatermark;
  // read_committed sees up to the last stable offset (first offset of the earliest open transaction).
  const visibleEnd = isolationLevel === 1 ? producerStateOf(log).lastStableOffset(hw) : hw;
  const found = (offset: number, timestamp: number, leaderEpoch = -1): Answer => ({
    partitionIndex: p.partitionIndex,
    errorCode: ErrorCode.NONE,
    timestamp,
    offset,
    leaderEpoch,
    oldStyleOffsets: offset >= 0 ? [offset].slice(0, Math.max(0, p.maxNumOffsets)) : [],
  });
  switch (p.timestamp) {
    case LATEST:
      return found(visibleEnd, -1, partition.state.leaderEpoch);
    case EARLIEST:
    case EARLIEST_LOCAL:
      return found(log.logStartOffset, -1);
    case MAX_TIMESTAMP: {
      const max = log.maxTimestampAndOffset();
      return max && max.offset < visibleEnd ? found(max.offset, max.timestamp) : found(-1, -1);
    }
    case LATEST_TIERED:
      return found(-1, -1);
    default: {
      if (p.timestamp < 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown special timestamp ${p.timestamp}`);
      const hit = log.offsetForTimestamp(p.timestamp);
      return hit && hit.offset < visibleEnd ? found(hit.offset, hit.timestamp) : found(-1, -1);
    }
  }
}

export const listOffsetsApi = defineApi<ListOffsetsRequest, Encodable<ListOffsetsResponse>>({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 9,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          try {
            return lookup(ctx, t.name, p, req.isolationLevel);
          } catch (err) {
            const { code } = errorCodeOf(ctx, err);
            return { partitionIndex: p.partitionIndex, errorCode: code, timestamp: -1, offset: -1, leaderEpoch: -1, oldStyleOffsets: [] };
          }
        }),
      })),
    };
  },
});
