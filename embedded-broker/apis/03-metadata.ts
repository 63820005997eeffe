// Metadata (key 3), v0-12. Reports the truth: running brokers only, and per partition the
// leader (or -1), replicas, ISR and offline replicas. v0 treats an empty topic list as
// "all topics"; v1+ uses null for that. Unknown topics are auto-created when the broker
// allows it (auto.create.topics.enable) and, from v4, the client asks for it.
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf } from './partition-access.js';
import type { Topic } from '../cluster/topic.js';
import type { Encodable, MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../protocol/generated/message-types.js';

/** Kafka's "all operations" bitfield for authorized-operations answers (no ACLs in the sandbox). */
export const ALL_TOPIC_OPERATIONS = 0b1111_1111_1000;
export const ALL_CLUSTER_OPERATIONS = 0b1111_1111_1000;
const OPS_NOT_REQUESTED = -2147483648;

export function describeTopic(ctx: RequestContext, topic: Topic, version: number, includeOps: boolean): Encodable<MetadataResponseTopic> {
  const running = (id: number) => ctx.cluster.hasNode(id) && ctx.cluster.node(id).isRunning;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    topicAuthorizedOperations: includeOps ? ALL_TOPIC_OPERATIONS : OPS_NOT_REQUESTED,
    partitions: topic.partitions.map((p) => {
      const { leader, leaderEpoch, replicas, isr } = p.state;
      const offline = replicas.filter((id) => !running(id));
      let errorCode: number = leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE;
      // v0 clients expect unavailable replicas filtered out and flagged.
      const v0Filter = version === 0 && offline.length > 0;
      if (v0Filter && errorCode === ErrorCode.NONE) errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
      return {
        errorCode,
        partitionIndex: p.index,
        leaderId: leader,
        leaderEpoch,
        replicaNodes: v0Filter ? replicas.filter(running) : replicas,
        isrNodes: v0Filter ? isr.filter(running) : isr,
        offlineReplicas: offline,
      };
    }),
  };
}

function autoCreate(ctx: RequestContext, name: string): Topic {
  const cluster = ctx.cluster;
  const rf = Math.min(Number(cluster.brokerConfig('default.replication.factor')), cluster.runningNodes().length);
  const state = cluster.admin.planTopic({ name, numPartitions: -1, replicationFactor: Math.max(rf, 1), assignments: [], configs: [] });
  const topic = cluster.admin.createTopic(state);
  cluster.persist();
  ctx.node.log('info', `auto-created topic ${name}`);
  return topic;
}

export const metadataApi = defineApi<MetadataRequest, Encodable<MetadataResponse>>({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  handle(ctx, req) {
    const { cluster, version } = ctx;
    const includeOps = version >= 8 && req.includeTopicAuthorizedOperations;
    const allTopics = req.topics === null || (version === 0 && req.topics.length === 0);
    const topics: Encodable<MetadataResponseTopic>[] = [];
    if (allTopics) {
      for (const topic of cluster.topics.values()) topics.push(describeTopic(ctx, topic, version, includeOps));
    } else {
      const mayCreate = cluster.brokerConfig('auto.create.topics.enable') === 'true' && (version < 4 || req.allowAutoTopicCreation);
      for (const wanted of req.topics!) {
        const byId = !wanted.name && version >= 10 ? cluster.topicsById.get(wanted.topicId) : undefined;
        const name = wanted.name ?? byId?.name ?? null;
        try {
          let topic = byId ?? (name !== null ? cluster.topics.get(name) : undefined);
          if (!topic) {
            if (name === null) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `Unknown topic id ${wanted.topicId}`);
            if (!mayCreate) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown topic ${name}`);
            topic = autoCreate(ctx, name);
          }
          topics.push(describeTopic(ctx, topic, version, includeOps));
        } catch (err) {
          const { code } = errorCodeOf(ctx, err);
          topics.push({ errorCode: code, name, topicId: wanted.topicId, isInternal: false, partitions: [] });
        }
      }
    }
    // A sandbox fault on Metadata has no top-level error field to land in: every topic carries it.
    if (ctx.injectedError !== undefined) for (const t of topics) t.errorCode = ctx.injectedError;
    return {
      throttleTimeMs: 0,
      brokers: cluster.runningNodes().map((n) => ({ nodeId: n.nodeId, host: n.host, port: n.port, rack: null })),
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId(),
      topics,
      clusterAuthorizedOperations: version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : OPS_NOT_REQUESTED,
    };
  },
});
