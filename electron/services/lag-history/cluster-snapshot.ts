// One read of a cluster's offsets through the console's kafkajs adapter: topics with their
// partitions' log start/end offsets and replicas, and every group's committed offsets. The lag
// sampler and the Prometheus endpoint both build on it, so they can never disagree on lag.
import type { KafkaAdapter } from '../kafka-adapter.js';
import { leaderPartitionSizes } from '../log-dirs.js';
import { fetchOffsetsBatched } from '../offset-fetch-batch.js';

export interface SnapshotPartition {
  partition: number;
  leader: number;
  replicas: number;
  isr: number;
  start: number;
  end: number;
  /** Leader replica's size on disk (DescribeLogDirs); null/absent when the cluster does not say. */
  sizeBytes?: number | null;
}

export interface SnapshotGroup {
  groupId: string;
  state: string | null;
  members: number | null;
  /** Committed offsets with the lag against this snapshot's end offsets (null if the partition is gone). */
  offsets: Array<{ topic: string; partition: number; committed: number; lag: number | null }>;
}

export interface ClusterSnapshot {
  t: number;
  brokers: number;
  topics: Array<{ topic: string; internal: boolean; partitions: SnapshotPartition[] }>;
  groups: SnapshotGroup[];
  /** Why some groups' offsets are missing, if they are. */
  errors: string[];
}

/** Runs fn over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function takeSnapshot(
  adapter: KafkaAdapter,
  options: { describeGroups?: boolean; startOffsets?: boolean; sizes?: boolean; concurrency?: number } = {},
): Promise<ClusterSnapshot> {
  const meta = await adapter.metadata();
  const topics = meta.topicMetadata
    .filter((t) => t.topicErrorCode === 0)
    .map((t) => ({
      topic: t.topic,
      internal: t.isInternal === true || t.topic.startsWith('__'),
      meta: t.partitionMetadata,
    }));
  // Internal topics (__consumer_offsets, transaction state) are not what users chart.
  const req = topics.filter((t) => !t.internal).map((t) => ({ topic: t.topic, partitions: t.meta.map((p) => p.partitionId) }));
  const [ends, starts, listed, sizes] = await Promise.all([
    adapter.offsets(req, 'latest'),
    options.startOffsets ? adapter.offsets(req, 'earliest') : Promise.resolve(null),
    adapter.run('ListGroups', async () => (await adapter.admin()).listGroups()),
    // Sizes feed bytes/s in the throughput history; a cluster that refuses them just has none.
    options.sizes ? leaderPartitionSizes(adapter, meta.topicMetadata.filter((t) => t.topicErrorCode === 0 && !(t.isInternal === true || t.topic.startsWith('__')))).catch(() => null) : Promise.resolve(null),
  ]);
  const t = Date.now();
  const ids = listed.groups.map((g) => g.groupId).sort();
  const errors: string[] = [];
  // One FindCoordinator and one OffsetFetch per coordinator for most groups; kafkajs, one
  // round trip per group, for the rest (older clusters, moved coordinators, errors).
  const batchedP = ids.length > 0 ? adapter.run('OffsetFetch', () => fetchOffsetsBatched(adapter, ids)).catch(() => null) : Promise.resolve(null);
  let described = new Map<string, { state: string; members: number }>();
  if (options.describeGroups && ids.length > 0) {
    try {
      const res = await adapter.run('DescribeGroups', async () => (await adapter.admin()).describeGroups(ids));
      described = new Map(res.groups.map((g) => [g.groupId, { state: g.state, members: g.members.length }]));
    } catch (err) {
      errors.push(`DescribeGroups: ${(err as Error).message}`);
    }
  }
  const batched = await batchedP;
  const groups = await mapLimit(ids, options.concurrency ?? 16, async (groupId): Promise<SnapshotGroup> => {
    const d = described.get(groupId);
    const offsets: SnapshotGroup['offsets'] = [];
    const add = (topic: string, partition: number, committed: number) => {
      if (!(committed >= 0)) return;
      const end = ends.get(topic)?.get(partition);
      // Same rule as the group views: lag never goes negative (a commit past a truncated end).
      offsets.push({ topic, partition, committed, lag: end === undefined ? null : Math.max(0, Number(end) - committed) });
    };
    const fast = batched?.offsets.get(groupId);
    if (fast) {
      for (const o of fast) add(o.topic, o.partition, o.offset);
    } else {
      try {
        const res = await adapter.run('OffsetFetch', async () => (await adapter.admin()).fetchOffsets({ groupId }));
        for (const tp of res) for (const p of tp.partitions) add(tp.topic, p.partition, Number(p.offset));
      } catch (err) {
        errors.push(`OffsetFetch ${groupId}: ${(err as Error).message}`);
      }
    }
    offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { groupId, state: d?.state ?? null, members: d?.members ?? null, offsets };
  });
  return {
    t,
    brokers: meta.brokers.length,
    topics: topics
      .map((tp) => ({
        topic: tp.topic,
        internal: tp.internal,
        partitions: tp.meta
          .map((p) => ({
            partition: p.partitionId,
            leader: p.leader,
            replicas: p.replicas.length,
            isr: p.isr.length,
            start: Number(starts?.get(tp.topic)?.get(p.partitionId) ?? -1),
            end: Number(ends.get(tp.topic)?.get(p.partitionId) ?? -1),
            sizeBytes: sizes?.get(tp.topic)?.get(p.partitionId) ?? null,
          }))
          .sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic)),
    groups,
    errors,
  };
}
