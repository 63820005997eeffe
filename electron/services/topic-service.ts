// Cluster overview and topic operations over one KafkaAdapter.
import kafkajs from 'kafkajs';
import { ContractError } from '../contract/errors.js';
import type { MethodOutput, MethodParsedInput } from '../contract/index.js';
import { isStaleRouteError, type KafkaAdapter, type RawMetadata } from './kafka-adapter.js';
import { leaderPartitionSizes, topicSize } from './log-dirs.js';

const { ConfigResourceTypes } = kafkajs;

type TopicMeta = RawMetadata['topicMetadata'][number];

// Fetch's highest version tracks Kafka releases closely enough for a "which Kafka" hint.
const FETCH_VERSION_HINTS: Array<[number, string]> = [
  [17, '3.7+'], [16, '3.6+'], [15, '3.5+'], [13, '3.1+'], [12, '2.7+'], [11, '2.3+'], [10, '2.1+'],
  [8, '2.0+'], [7, '1.1+'], [6, '1.0+'], [5, '0.11+'], [4, '0.11+'], [0, '0.8+'],
];

const isInternalTopic = (t: TopicMeta) => t.isInternal === true || t.topic.startsWith('__');
const replicationFactor = (t: TopicMeta) => Math.max(0, ...t.partitionMetadata.map((p) => p.replicas.length));
const underReplicated = (t: TopicMeta) => t.partitionMetadata.filter((p) => p.isr.length < p.replicas.length).length;
const offline = (t: TopicMeta) => t.partitionMetadata.filter((p) => p.leader < 0).length;

export async function clusterOverview(adapter: KafkaAdapter): Promise<MethodOutput<'clusters.overview'>> {
  const meta = await adapter.metadata();
  const raw = await adapter.raw();
  const versions = raw.brokerPool.versions ?? {};
  const apiVersions = Object.entries(versions)
    .map(([apiKey, v]) => ({ apiKey: Number(apiKey), minVersion: v.minVersion, maxVersion: v.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
  const fetchMax = versions['1']?.maxVersion;
  const kafkaVersionHint = fetchMax === undefined ? null : (FETCH_VERSION_HINTS.find(([v]) => fetchMax >= v)?.[1] ?? null);
  let groups: number | null = null;
  try {
    groups = (await adapter.run('ListGroups', async () => (await adapter.admin()).listGroups())).groups.length;
  } catch {
    // Clusters without group support (or without permission) still get an overview.
  }
  const topics = meta.topicMetadata;
  return {
    clusterId: meta.clusterId ?? null,
    controllerId: meta.controllerId ?? null,
    brokers: meta.brokers
      .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null, isController: b.nodeId === meta.controllerId }))
      .sort((a, b) => a.nodeId - b.nodeId),
    version: { apiVersions, kafkaVersionHint },
    counts: {
      topics: topics.filter((t) => !isInternalTopic(t)).length,
      internalTopics: topics.filter(isInternalTopic).length,
      partitions: topics.reduce((n, t) => n + t.partitionMetadata.length, 0),
      replicas: topics.reduce((n, t) => n + t.partitionMetadata.reduce((m, p) => m + p.replicas.length, 0), 0),
      groups,
    },
    underReplicatedPartitions: topics.reduce((n, t) => n + underReplicated(t), 0),
    offlinePartitions: topics.reduce((n, t) => n + offline(t), 0),
  };
}

async function messageCounts(adapter: KafkaAdapter, topics: TopicMeta[]): Promise<Map<string, number>> {
  const req = topics.map((t) => ({ topic: t.topic, partitions: t.partitionMetadata.map((p) => p.partitionId) }));
  const [low, high] = await Promise.all([adapter.offsets(req, 'earliest'), adapter.offsets(req, 'latest')]);
  const counts = new Map<string, number>();
  for (const t of req) {
    let n = 0;
    for (const p of t.partitions) n += Math.max(0, Number(high.get(t.topic)?.get(p) ?? 0) - Number(low.get(t.topic)?.get(p) ?? 0));
    counts.set(t.topic, n);
  }
  return counts;
}

export async function listTopics(adapter: KafkaAdapter, input: MethodParsedInput<'topics.list'>): Promise<MethodOutput<'topics.list'>> {
  const meta = await adapter.metadata();
  const needle = input.search?.trim().toLowerCase() ?? '';
  let topics = meta.topicMetadata.filter(
    (t) => (input.includeInternal || !isInternalTopic(t)) && (needle === '' || t.topic.toLowerCase().includes(needle)),
  );
  let counts: Map<string, number> | null = null;
  if (input.sort === 'messages') {
    counts = await messageCounts(adapter, topics);
    topics.sort((a, b) => (counts!.get(b.topic) ?? 0) - (counts!.get(a.topic) ?? 0) || a.topic.localeCompare(b.topic));
  } else if (input.sort === 'partitions') {
    topics.sort((a, b) => b.partitionMetadata.length - a.partitionMetadata.length || a.topic.localeCompare(b.topic));
  } else {
    topics.sort((a, b) => a.topic.localeCompare(b.topic));
  }
  const total = topics.length;
  topics = topics.slice(input.offset, input.offset + input.limit);
  let sizes: Map<string, Map<number, number>> | null = null;
  if (input.withCounts) {
    [counts, sizes] = await Promise.all([counts ?? messageCounts(adapter, topics), leaderPartitionSizes(adapter, topics)]);
  }
  return {
    total,
    offset: input.offset,
    limit: input.limit,
    items: topics.map((t) => ({
      name: t.topic,
      internal: isInternalTopic(t),
      partitions: t.partitionMetadata.length,
      replicationFactor: replicationFactor(t),
      underReplicatedPartitions: underReplicated(t),
      offlinePartitions: offline(t),
      sizeBytes: topicSize(sizes, t.topic),
      messageCountEstimate: counts?.get(t.topic) ?? null,
    })),
  };
}

export async function topicMeta(adapter: KafkaAdapter, topic: string): Promise<TopicMeta> {
  const meta = await adapter.metadata([topic]);
  const t = meta.topicMetadata.find((x) => x.topic === topic);
  if (!t || t.topicErrorCode === 3 || t.partitionMetadata.length === 0) {
    throw new ContractError('NOT_FOUND', `Topic "${topic}" does not exist`, { topic });
  }
  return t;
}

export async function getTopic(adapter: KafkaAdapter, topic: string): Promise<MethodOutput<'topics.get'>> {
  const t = await topicMeta(adapter, topic);
  const req = [{ topic, partitions: t.partitionMetadata.map((p) => p.partitionId) }];
  const [low, high, sizes] = await Promise.all([adapter.offsets(req, 'earliest'), adapter.offsets(req, 'latest'), leaderPartitionSizes(adapter, [t])]);
  const partitions = t.partitionMetadata
    .map((p) => ({
      partition: p.partitionId,
      leader: p.leader >= 0 ? p.leader : null,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.offlineReplicas ?? [],
      logStartOffset: low.get(topic)?.get(p.partitionId) ?? '0',
      highWatermark: high.get(topic)?.get(p.partitionId) ?? '0',
      errorCode: p.partitionErrorCode,
      sizeBytes: sizes?.get(topic)?.get(p.partitionId) ?? null,
    }))
    .sort((a, b) => a.partition - b.partition);
  return {
    name: topic,
    internal: isInternalTopic(t),
    replicationFactor: replicationFactor(t),
    partitions,
    messageCountEstimate: partitions.reduce((n, p) => n + Math.max(0, Number(p.highWatermark) - Number(p.logStartOffset)), 0),
    sizeBytes: topicSize(sizes, topic),
  };
}

export async function createTopic(adapter: KafkaAdapter, input: MethodParsedInput<'topics.create'>): Promise<void> {
  const created = await adapter.run('CreateTopics', async () =>
    (await adapter.admin()).createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: input.topic,
          numPartitions: input.partitions,
          replicationFactor: input.replicationFactor,
          configEntries: Object.entries(input.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  );
  // kafkajs answers false instead of throwing when the topic already exists.
  if (!created) throw new ContractError('ALREADY_EXISTS', `Topic "${input.topic}" already exists`, { topic: input.topic });
}

export async function deleteTopic(adapter: KafkaAdapter, topic: string): Promise<void> {
  await topicMeta(adapter, topic);
  await adapter.run('DeleteTopics', async () => (await adapter.admin()).deleteTopics({ topics: [topic] }));
  await adapter.forgetTopic(topic);
}

export async function addPartitions(adapter: KafkaAdapter, topic: string, totalPartitions: number): Promise<void> {
  const t = await topicMeta(adapter, topic);
  if (totalPartitions <= t.partitionMetadata.length) {
    throw new ContractError('INVALID_INPUT', `Topic "${topic}" already has ${t.partitionMetadata.length} partitions; the new total must be larger`);
  }
  await adapter.run('CreatePartitions', async () =>
    (await adapter.admin()).createPartitions({ topicPartitions: [{ topic, count: totalPartitions }] }),
  );
}

// DescribeConfigs sources: 1 topic override, 2/3 dynamic broker, 4 static broker, 5 default.
const SOURCE_NAMES: Record<number, string> = {
  0: 'unknown', 1: 'topic', 2: 'dynamic-broker', 3: 'dynamic-default-broker', 4: 'static-broker', 5: 'default', 6: 'dynamic-broker-logger',
};

export async function getTopicConfigs(adapter: KafkaAdapter, topic: string): Promise<MethodOutput<'topics.getConfigs'>> {
  const res = await adapter.run('DescribeConfigs', async () =>
    (await adapter.admin()).describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
  );
  const resource = res.resources[0];
  if (!resource) throw new ContractError('NOT_FOUND', `No configs for topic "${topic}"`);
  if (resource.errorCode) throw new ContractError(resource.errorCode === 3 ? 'NOT_FOUND' : 'KAFKA_ERROR', resource.errorMessage || `DescribeConfigs failed (${resource.errorCode})`);
  return resource.configEntries
    .map((e: any) => {
      const source = typeof e.configSource === 'number' ? e.configSource : e.isDefault ? 5 : 1;
      const synonyms: Array<{ configValue: string; configSource: number }> = e.configSynonyms ?? [];
      const inherited = synonyms.find((s) => s.configSource !== 1);
      const isOverridden = source === 1;
      return {
        name: e.configName as string,
        value: (e.configValue ?? null) as string | null,
        defaultValue: isOverridden ? (inherited?.configValue ?? null) : ((e.configValue ?? null) as string | null),
        isOverridden,
        source: SOURCE_NAMES[source] ?? String(source),
        readOnly: Boolean(e.readOnly),
        sensitive: Boolean(e.isSensitive),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function updateTopicConfigs(
  adapter: KafkaAdapter,
  input: MethodParsedInput<'topics.updateConfigs'>,
): Promise<MethodOutput<'topics.updateConfigs'>> {
  const current = await getTopicConfigs(adapter, input.topic);
  // AlterConfigs (non-incremental) replaces the whole override set: resend the ones we keep.
  const overrides = new Map(current.filter((c) => c.isOverridden && c.value !== null).map((c) => [c.name, c.value as string]));
  for (const name of input.reset) overrides.delete(name);
  for (const [name, value] of Object.entries(input.set)) overrides.set(name, value);
  await adapter.run('AlterConfigs', async () =>
    (await adapter.admin()).alterConfigs({
      validateOnly: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: input.topic, configEntries: [...overrides].map(([name, value]) => ({ name, value })) },
      ],
    }),
  );
  return getTopicConfigs(adapter, input.topic);
}

export async function deleteRecords(
  adapter: KafkaAdapter,
  input: MethodParsedInput<'topics.deleteRecords'>,
): Promise<MethodOutput<'topics.deleteRecords'>> {
  const t = await topicMeta(adapter, input.topic);
  const known = new Set(t.partitionMetadata.map((p) => p.partitionId));
  for (const p of input.partitions) {
    if (!known.has(p.partition)) throw new ContractError('NOT_FOUND', `Partition ${p.partition} of "${input.topic}" does not exist`);
  }
  // Straight to each leader: kafkajs' admin helper trusts a metadata cache it never refreshes.
  await adapter.run('DeleteRecords', async () => {
    const raw = await adapter.useTopics([input.topic]);
    const send = async () => {
      const byLeader = raw.findLeaderForPartitions(input.topic, input.partitions.map((p) => p.partition));
      await Promise.all(
        Object.entries(byLeader).map(async ([nodeId, partitions]) => {
          const broker = await raw.findBroker({ nodeId });
          await broker.deleteRecords({
            topics: [{ topic: input.topic, partitions: input.partitions.filter((p) => partitions.includes(p.partition)) }],
          });
        }),
      );
    };
    try {
      await send();
    } catch (err) {
      // Deleting is idempotent per offset, so resending to refreshed leaders is safe.
      if (!isStaleRouteError(err)) throw err;
      await raw.refreshMetadata();
      await send();
    }
  });
  const low = await adapter.offsets([{ topic: input.topic, partitions: input.partitions.map((p) => p.partition) }], 'earliest');
  return input.partitions.map((p) => ({ partition: p.partition, lowWatermark: low.get(input.topic)?.get(p.partition) ?? '0' }));
}
