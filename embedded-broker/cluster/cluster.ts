// The embedded cluster: one owner of all broker state. Every state change happens
// synchronously inside one method call, so no request ever sees half of a change.
import fs from 'node:fs';
import path from 'node:path';
import { BrokerNode, type LogLevel } from './broker-node.js';
import { MetadataStore, type ClusterMetadata, type PartitionState } from './metadata-store.js';
import { Topic } from './topic.js';
import { Partition } from './partition.js';
import { brokerConfigDefinition, SANDBOX_BROKER_DEFAULTS } from './config-definitions.js';
import { TopicAdmin } from './topic-admin.js';
import type { StartClusterOptions } from '../public-types.js';

export class Cluster {
  readonly nodes: BrokerNode[] = [];
  readonly topics = new Map<string, Topic>();
  readonly topicsById = new Map<string, Topic>();
  readonly admin: TopicAdmin;
  readonly metadata: ClusterMetadata;
  private readonly store: MetadataStore;
  private readonly staticConfig: Record<string, string>;
  private readonly changeListeners = new Set<() => void>();
  private retentionTimer: NodeJS.Timeout | null = null;
  /** Follower replication; until it lands topics are limited to one replica. */
  readonly replicationEnabled = false;
  private closed = false;

  private constructor(readonly options: StartClusterOptions) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.store = new MetadataStore(options.dataDir);
    this.metadata = this.store.load(options.clusterId);
    this.staticConfig = { ...SANDBOX_BROKER_DEFAULTS, ...(options.config ?? {}) };
    for (const [name, value] of Object.entries(this.staticConfig)) {
      if (!brokerConfigDefinition(name)) throw new Error(`unknown broker config ${name}=${value}`);
    }
    for (const state of this.metadata.topics) this.registerTopic(new Topic(this, state));
    this.admin = new TopicAdmin(this);
  }

  static async start(options: StartClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    const count = options.brokers ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`brokers must be 1..16, got ${count}`);
    const host = options.host ?? '127.0.0.1';
    const ports = Array.isArray(options.ports)
      ? options.ports
      : Array.from({ length: count }, (_, i) => (options.ports ? (options.ports as number) + i : 0));
    if (ports.length !== count) throw new Error(`expected ${count} ports, got ${ports.length}`);
    for (let i = 0; i < count; i++) {
      const nodeId = i + 1;
      const dir = path.join(options.dataDir, `broker-${nodeId}`);
      fs.mkdirSync(dir, { recursive: true });
      cluster.nodes.push(new BrokerNode(cluster, nodeId, host, ports[i]!, dir));
    }
    try {
      for (const node of cluster.nodes) await node.listen();
    } catch (err) {
      await cluster.close();
      throw err;
    }
    cluster.scheduleRetention();
    return cluster;
  }

  get clusterId(): string {
    return this.metadata.clusterId;
  }

  node(nodeId: number): BrokerNode {
    const node = this.nodes[nodeId - 1];
    if (!node || node.nodeId !== nodeId) throw new Error(`no broker ${nodeId}`);
    return node;
  }

  hasNode(nodeId: number): boolean {
    return nodeId >= 1 && nodeId <= this.nodes.length;
  }

  runningNodes(): BrokerNode[] {
    return this.nodes.filter((n) => n.isRunning);
  }

  /** The controller is the lowest-numbered running broker. */
  controllerId(): number {
    return this.runningNodes()[0]?.nodeId ?? -1;
  }

  /** Effective broker config: dynamic override, then start option, then sandbox/Kafka default. */
  brokerConfig(name: string): string {
    const dynamic = this.metadata.brokerConfigs[name];
    if (dynamic !== undefined) return dynamic;
    const configured = this.staticConfig[name];
    if (configured !== undefined) return configured;
    const def = brokerConfigDefinition(name);
    if (!def) throw new Error(`unknown broker config ${name}`);
    return def.defaultValue;
  }

  /** Where a broker config value comes from, for DescribeConfigs. */
  brokerConfigSource(name: string): 'dynamic' | 'static' | 'default' {
    if (this.metadata.brokerConfigs[name] !== undefined) return 'dynamic';
    if (this.options.config?.[name] !== undefined || SANDBOX_BROKER_DEFAULTS[name] !== undefined) return 'static';
    return 'default';
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  registerTopic(topic: Topic): void {
    this.topics.set(topic.name, topic);
    this.topicsById.set(topic.topicId, topic);
  }

  unregisterTopic(topic: Topic): void {
    this.topics.delete(topic.name);
    this.topicsById.delete(topic.topicId);
  }

  /** Persists the controller state; called after every change, before answering the client. */
  persist(): void {
    this.metadata.topics = [...this.topics.values()].map((t) => t.state);
    this.store.save(this.metadata);
    this.emitChange();
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  emitChange(): void {
    for (const listener of [...this.changeListeners]) {
      try {
        listener();
      } catch (err) {
        this.log('error', `change listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** Stops a broker: graceful flushes its logs; a crash abandons them as a killed process would. */
  async stopBroker(nodeId: number, crash: boolean): Promise<void> {
    const node = this.node(nodeId);
    if (!node.isRunning) return;
    // The listener's synchronous part (state, dropped connections) runs now; leadership
    // moves before anything else can run, and only then do we wait for the socket close.
    const listenerClosed = node.shutdownListener(crash ? 'crashed' : 'stopped');
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        partition.closeLogOn(nodeId, crash);
        if (partition.state.leader === nodeId) this.electLeader(partition);
      }
    }
    this.persist();
    await listenerClosed;
  }

  async startBroker(nodeId: number): Promise<void> {
    const node = this.node(nodeId);
    if (node.isRunning) return;
    await node.listen();
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        if (partition.state.leader < 0 && partition.state.replicas.includes(nodeId)) this.electLeader(partition);
      }
    }
    this.persist();
  }

  /** Picks a leader among running in-sync replicas (preferred order first); -1 when none is eligible. */
  electLeader(partition: Partition): void {
    const state: PartitionState = partition.state;
    const running = (id: number) => this.hasNode(id) && this.node(id).isRunning;
    let leader = state.replicas.find((id) => state.isr.includes(id) && running(id)) ?? -1;
    if (leader < 0 && partition.topic.config('unclean.leader.election.enable') === 'true') {
      leader = state.replicas.find(running) ?? -1;
      if (leader >= 0) state.isr = [leader];
    }
    if (leader === state.leader) return;
    state.leader = leader;
    state.leaderEpoch += 1;
    partition.resetHighWatermark();
    partition.notifyAppend();
  }

  private scheduleRetention(): void {
    const interval = Number(this.brokerConfig('log.retention.check.interval.ms'));
    this.retentionTimer = setInterval(() => this.applyRetention(Date.now()), interval);
    this.retentionTimer.unref();
  }

  /** Applies time/size retention to every open replica log. */
  applyRetention(now: number): void {
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        for (const log of partition.openLogs().values()) {
          try {
            log.applyRetention(now);
          } catch (err) {
            this.log('error', `retention of ${partition.name} failed: ${(err as Error).message}`);
          }
        }
      }
    }
  }

  log(level: LogLevel, message: string): void {
    if (this.options.logger) {
      this.options.logger(level, message);
      return;
    }
    if (level === 'warn' || level === 'error') process.stderr.write(`keel-broker ${level}: ${message}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const node of this.nodes) if (node.isRunning) await node.shutdownListener('stopped');
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        for (const nodeId of [...partition.openLogs().keys()]) partition.closeLogOn(nodeId, false);
      }
    }
    this.changeListeners.clear();
  }
}
