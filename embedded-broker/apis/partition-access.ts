// Shared checks for requests that must reach a partition's leader on this broker.
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import type { Partition } from '../cluster/partition.js';
import type { RequestContext } from './api-handler.js';
import type { Topic } from '../cluster/topic.js';
import { OffsetOutOfRangeError } from '../log/partition-log.js';

/** Throws the sandbox's injected error for this request, if one is armed. */
export function failIfInjected(ctx: RequestContext): void {
  if (ctx.injectedError !== undefined) throw new KafkaError(ctx.injectedError, `Injected by the sandbox's fault controls (error ${ctx.injectedError}).`);
}

export function findTopic(ctx: RequestContext, name: string | null, topicId?: string): Topic {
  failIfInjected(ctx);
  const topic = name ? ctx.cluster.topics.get(name) : topicId ? ctx.cluster.topicsById.get(topicId) : undefined;
  if (!topic) {
    if (!name && topicId) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `Unknown topic id ${topicId}`);
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition.`);
  }
  return topic;
}

/**
 * The partition if this broker leads it, checking the client's view of the leader epoch
 * (-1 means the client does not know it).
 */
export function leaderPartition(ctx: RequestContext, topic: Topic, index: number, currentLeaderEpoch = -1): Partition {
  failIfInjected(ctx);
  const partition = topic.partitions[index];
  if (!partition) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition.`);
  const state = partition.state;
  if (currentLeaderEpoch >= 0) {
    if (currentLeaderEpoch < state.leaderEpoch) throw new KafkaError(ErrorCode.FENCED_LEADER_EPOCH, `Leader epoch ${currentLeaderEpoch} is older than the current ${state.leaderEpoch}`);
    if (currentLeaderEpoch > state.leaderEpoch) throw new KafkaError(ErrorCode.UNKNOWN_LEADER_EPOCH, `Leader epoch ${currentLeaderEpoch} is newer than the current ${state.leaderEpoch}`);
  }
  if (state.leader !== ctx.node.nodeId) {
    if (state.leader < 0) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `There is no leader for ${partition.name}: all in-sync replicas are offline.`);
    throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Broker ${ctx.node.nodeId} is not the leader for ${partition.name}; the leader is ${state.leader}.`);
  }
  return partition;
}

/** Maps any failure to a Kafka error code; unexpected ones are logged and become UNKNOWN_SERVER_ERROR. */
export function errorCodeOf(ctx: RequestContext, err: unknown): { code: number; message: string } {
  if (err instanceof KafkaError) return { code: err.code, message: err.message };
  if (err instanceof OffsetOutOfRangeError) return { code: ErrorCode.OFFSET_OUT_OF_RANGE, message: err.message };
  ctx.node.log('error', `unexpected failure in ${ctx.header.apiKey}: ${(err as Error)?.stack ?? String(err)}`);
  return { code: ErrorCode.UNKNOWN_SERVER_ERROR, message: (err as Error)?.message ?? String(err) };
}
