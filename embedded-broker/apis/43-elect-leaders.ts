// ElectLeaders (key 43), v0-2: preferred (0) or unclean (1) election for the named
// partitions, or for every partition when the list is null.
import { defineApi } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, failIfInjected } from './partition-access.js';
import type { Partition } from '../cluster/partition.js';
import type { RequestContext } from './api-handler.js';
import type { ElectLeadersRequest, ElectLeadersResponse, Encodable } from '../protocol/generated/message-types.js';

const PREFERRED = 0;
const UNCLEAN = 1;

function elect(ctx: RequestContext, partition: Partition, electionType: number): void {
  const controller = ctx.cluster.controller;
  if (electionType === PREFERRED) {
    controller.moveLeader(partition, partition.state.replicas[0]!);
    return;
  }
  if (electionType !== UNCLEAN) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}.`);
  if (partition.state.leader >= 0) throw new KafkaError(ErrorCode.ELECTION_NOT_NEEDED, `${partition.name} has a leader.`);
  if (!controller.elect(partition, { unclean: true })) throw new KafkaError(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, `No running replica of ${partition.name}.`);
  ctx.cluster.persist();
}

export const electLeadersApi = defineApi<ElectLeadersRequest, Encodable<ElectLeadersResponse>>({
  apiKey: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    const electionType = ctx.version >= 1 ? req.electionType : PREFERRED;
    const wanted =
      req.topicPartitions ??
      [...ctx.cluster.topics.values()].map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.index) }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: wanted.map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((index) => {
          try {
            failIfInjected(ctx);
            const partition = ctx.cluster.partition(t.topic, index);
            if (!partition) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${t.topic}-${index}.`);
            elect(ctx, partition, electionType);
            return { partitionId: index, errorCode: ErrorCode.NONE, errorMessage: null };
          } catch (err) {
            const { code, message } = errorCodeOf(ctx, err);
            return { partitionId: index, errorCode: code, errorMessage: message };
          }
        }),
      })),
    };
  },
});
