// Prometheus text output with kafka_exporter's metric names and labels, so existing dashboards
// and alerts work unchanged. Every scrape reads the clusters afresh through the same snapshot
// code as the lag sampler (one `cluster` label tells clusters apart); scrapes that overlap share
// one read.
import { Gauge, Registry } from 'prom-client';
import type { KafkaAdapter } from '../kafka-adapter.js';
import { takeSnapshot, type ClusterSnapshot } from '../lag-history/cluster-snapshot.js';

export interface MetricsSource {
  clusterIds(): string[];
  adapter(clusterId: string): KafkaAdapter;
}

export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly g: Record<string, Gauge<string>>;
  private pending: Promise<string> | null = null;

  constructor(private readonly source: MetricsSource) {
    const gauge = (name: string, help: string, labelNames: string[]) =>
      new Gauge({ name, help, labelNames: ['cluster', ...labelNames], registers: [this.registry] });
    this.g = {
      brokers: gauge('kafka_brokers', 'Number of Brokers in the Kafka Cluster.', []),
      topicPartitions: gauge('kafka_topic_partitions', 'Number of partitions for this Topic', ['topic']),
      current: gauge('kafka_topic_partition_current_offset', 'Current Offset of a Broker at Topic/Partition', ['topic', 'partition']),
      oldest: gauge('kafka_topic_partition_oldest_offset', 'Oldest Offset of a Broker at Topic/Partition', ['topic', 'partition']),
      leader: gauge('kafka_topic_partition_leader', 'Leader Broker ID of this Topic/Partition', ['topic', 'partition']),
      replicas: gauge('kafka_topic_partition_replicas', 'Number of Replicas for this Topic/Partition', ['topic', 'partition']),
      isr: gauge('kafka_topic_partition_in_sync_replica', 'Number of In-Sync Replicas for this Topic/Partition', ['topic', 'partition']),
      under: gauge('kafka_topic_partition_under_replicated_partition', '1 if Topic/Partition is under Replicated', ['topic', 'partition']),
      cgCurrent: gauge('kafka_consumergroup_current_offset', 'Current Offset of a ConsumerGroup at Topic/Partition', ['consumergroup', 'topic', 'partition']),
      cgLag: gauge('kafka_consumergroup_lag', 'Current Approximate Lag of a ConsumerGroup at Topic/Partition', ['consumergroup', 'topic', 'partition']),
      cgLagSum: gauge('kafka_consumergroup_lag_sum', 'Current Approximate Lag of a ConsumerGroup at Topic for all partitions', ['consumergroup', 'topic']),
      cgMembers: gauge('kafka_consumergroup_members', 'Amount of members in a consumer group', ['consumergroup']),
    };
  }

  /** The text exposition for all connected clusters. */
  render(): Promise<string> {
    this.pending ??= this.collect().finally(() => (this.pending = null));
    return this.pending;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async collect(): Promise<string> {
    const snaps: Array<[string, ClusterSnapshot]> = [];
    await Promise.all(
      this.source.clusterIds().map(async (id) => {
        try {
          snaps.push([id, await takeSnapshot(this.source.adapter(id), { describeGroups: true, startOffsets: true })]);
        } catch {
          // An unreachable cluster simply has no series in this scrape (kafka_exporter would fail the whole scrape).
        }
      }),
    );
    for (const gauge of Object.values(this.g)) gauge.reset();
    for (const [cluster, s] of snaps) this.fill(cluster, s);
    return this.registry.metrics();
  }

  fill(cluster: string, s: ClusterSnapshot): void {
    const g = this.g;
    g.brokers!.set({ cluster }, s.brokers);
    for (const t of s.topics) {
      g.topicPartitions!.set({ cluster, topic: t.topic }, t.partitions.length);
      for (const p of t.partitions) {
        const l = { cluster, topic: t.topic, partition: String(p.partition) };
        if (p.end >= 0) g.current!.set(l, p.end);
        if (p.start >= 0) g.oldest!.set(l, p.start);
        g.leader!.set(l, p.leader);
        g.replicas!.set(l, p.replicas);
        g.isr!.set(l, p.isr);
        g.under!.set(l, p.isr < p.replicas ? 1 : 0);
      }
    }
    for (const grp of s.groups) {
      if (grp.members !== null) g.cgMembers!.set({ cluster, consumergroup: grp.groupId }, grp.members);
      const sums = new Map<string, number>();
      for (const o of grp.offsets) {
        const l = { cluster, consumergroup: grp.groupId, topic: o.topic, partition: String(o.partition) };
        g.cgCurrent!.set(l, o.committed);
        if (o.lag === null) continue;
        g.cgLag!.set(l, o.lag);
        sums.set(o.topic, (sums.get(o.topic) ?? 0) + o.lag);
      }
      for (const [topic, sum] of sums) g.cgLagSum!.set({ cluster, consumergroup: grp.groupId, topic }, sum);
    }
  }
}
