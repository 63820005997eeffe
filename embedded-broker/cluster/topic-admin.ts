// Topic lifecycle on the controller: create (with Kafka's validation and replica
// placement), delete, add partitions and config changes. Each operation validates fully
// first and then changes state in one synchronous step.
import { ErrorCode, KafkaError } from './error-codes.js';
import { newUuid, type PartitionState, type TopicState } from './metadata-store.js';
import { Topic } from './topic.js';
import { Partition } from './partition.js';
import { topicConfigDefinition, validateConfigValue } from './config-definitions.js';
import type { Cluster } from './cluster.js';

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;

export interface CreateTopicRequest {
  name: string;
  numPartitions: number; // -1: broker default
  replicationFactor: number; // -1: broker default
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

/** Kafka's topic name rules; throws INVALID_TOPIC_EXCEPTION with Kafka's wording. */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is illegal, it can\'t be empty');
  if (name === '.' || name === '..') throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."');
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`);
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  }
}

export class TopicAdmin {
  /** Rotates where replica placement starts so leaders spread over the brokers. */
  private placementCursor = 0;

  constructor(private readonly cluster: Cluster) {}

  /** Validates a creation and returns the state it would create; throws KafkaError. */
  planTopic(req: CreateTopicRequest): TopicState {
    validateTopicName(req.name);
    if (this.cluster.topics.has(req.name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${req.name}' already exists.`);
    const configs = this.validatedConfigs(req.configs);
    let partitions: PartitionState[];
    if (req.assignments.length > 0) {
      if (req.numPartitions !== -1 || req.replicationFactor !== -1) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      partitions = this.explicitAssignment(req.assignments, 0);
    } else {
      const count = req.numPartitions === -1 ? Number(this.cluster.brokerConfig('num.partitions')) : req.numPartitions;
      const rf = req.replicationFactor === -1 ? Number(this.cluster.brokerConfig('default.replication.factor')) : req.replicationFactor;
      this.checkPartitionCount(count);
      partitions = this.placeReplicas(0, count, rf);
    }
    return { name: req.name, topicId: newUuid(), partitions, configs };
  }

  createTopic(state: TopicState): Topic {
    const topic = new Topic(this.cluster, state);
    this.cluster.registerTopic(topic);
    for (const p of topic.partitions) this.cluster.replication.partitionChanged(p);
    return topic;
  }

  deleteTopic(topic: Topic): void {
    if (this.cluster.brokerConfig('delete.topic.enable') !== 'true') {
      throw new KafkaError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    }
    this.cluster.unregisterTopic(topic);
    for (const partition of topic.partitions) {
      this.cluster.replication.partitionRemoved(partition);
      partition.deleteFromDisk();
    }
  }

  /** Validates adding partitions up to `count`; returns the new partition states. */
  planPartitions(topic: Topic, count: number, assignments: number[][] | null): PartitionState[] {
    const current = topic.partitions.length;
    if (count < current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    if (count === current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    this.checkPartitionCount(count);
    if (assignments) {
      if (assignments.length !== count - current) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`);
      }
      return this.explicitAssignment(assignments.map((brokerIds, i) => ({ partitionIndex: current + i, brokerIds })), current);
    }
    return this.placeReplicas(current, count - current, topic.partitions[0]?.state.replicas.length ?? 1);
  }

  addPartitions(topic: Topic, states: PartitionState[]): void {
    for (const state of states) {
      topic.state.partitions.push(state);
      const partition = new Partition(topic, state);
      topic.addPartition(partition);
      this.cluster.replication.partitionChanged(partition);
    }
  }

  validatedConfigs(configs: { name: string; value: string | null }[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, value } of configs) {
      const def = topicConfigDefinition(name);
      if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
      const problem = validateConfigValue(def, value);
      if (problem) throw new KafkaError(ErrorCode.INVALID_CONFIG, problem);
      out[name] = value!.trim();
    }
    return out;
  }

  private checkPartitionCount(count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0.`);
    const max = Number(this.cluster.brokerConfig('max.partitions.per.topic'));
    if (count > max) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${count} exceeds this sandbox's limit of ${max} per topic (max.partitions.per.topic).`);
  }

  private placeReplicas(firstIndex: number, count: number, rf: number): PartitionState[] {
    const brokers = this.cluster.runningNodes().map((n) => n.nodeId);
    if (!Number.isInteger(rf) || rf < 1) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (rf > brokers.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: ${brokers.length}.`);
    }
    const start = this.placementCursor++;
    const out: PartitionState[] = [];
    for (let i = 0; i < count; i++) {
      const replicas = Array.from({ length: rf }, (_, r) => brokers[(start + i + r) % brokers.length]!);
      out.push({ partition: firstIndex + i, replicas, leader: replicas[0]!, leaderEpoch: 0, isr: [...replicas], partitionEpoch: 0 });
    }
    return out;
  }

  private explicitAssignment(assignments: { partitionIndex: number; brokerIds: number[] }[], firstIndex: number): PartitionState[] {
    const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    this.checkPartitionCount(firstIndex + sorted.length);
    const rf = sorted[0]?.brokerIds.length ?? 0;
    return sorted.map((a, i) => {
      if (a.partitionIndex !== firstIndex + i) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions must be assigned consecutively from 0.');
      if (a.brokerIds.length === 0 || a.brokerIds.length !== rf) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions must have the same, non-zero number of replicas.');
      if (new Set(a.brokerIds).size !== a.brokerIds.length) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers in replica assignment ${a.brokerIds.join(',')}.`);
      const unknown = a.brokerIds.find((id) => !this.cluster.hasNode(id));
      if (unknown !== undefined) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker ${unknown} in replica assignment.`);
      const leader = a.brokerIds.find((id) => this.cluster.node(id).isRunning) ?? -1;
      return { partition: a.partitionIndex, replicas: [...a.brokerIds], leader, leaderEpoch: 0, isr: [...a.brokerIds], partitionEpoch: 0 };
    });
  }
}
