// The embedded cluster: one owner of all broker state. Every state change happens
// synchronously inside one method call, so no request ever sees half of a change.
import fs from 'node:fs';
import path from 'node:path';
import { BrokerNode, type LogLevel } from './broker-node.js';
import { MetadataStore, type ClusterMetadata } from './metadata-store.js';
import { Topic } from './topic.js';
import type { Partition } from './partition.js';
import { Controller } from './controller.js';
import { FaultInjector } from './fault-injector.js';
import { ReassignmentManager } from './reassignment.js';
import { ReplicaManager } from '../replication/replica-manager.js';
import { brokerConfigDefinition, SANDBOX_BROKER_DEFAULTS } from './config-definitions.js';
import { TopicAdmin } from './topic-admin.js';
import type { StartClusterOptions } from '../public-types.js';
import { BrokerSecurity, redactSecurity } from '../security/broker-security.js';
import { GroupCoordinator } from '../group/group-coordinator.js';
import { TransactionCoordinator } from '../txn/txn-coordinator.js';

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
  readonly controller: Controller;
  readonly replication: ReplicaManager;
  readonly reassignments: ReassignmentManager;
  readonly faults = new FaultInjector();
  /** SASL credentials (salted; the kept options carry no passwords) and inter-broker access. */
  readonly security: BrokerSecurity;
  private closed = false;
  /** Consumer groups and committed offsets (group/); its timers stop in close(). */
  readonly groups: GroupCoordinator;
  /** Producer ids and transactions (txn/); its timeout timer stops in close(). */
  readonly txns: TransactionCoordinator;

  private constructor(readonly options: StartClusterOptions) {
    this.security = new BrokerSecurity(options.security);
    this.options = { ...options, security: redactSecurity(options.security) };
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.store = new MetadataStore(options.dataDir);
    this.metadata = this.store.load(options.clusterId);
    this.staticConfig = { ...SANDBOX_BROKER_DEFAULTS, ...(options.config ?? {}) };
    for (const [name, value] of Object.entries(this.staticConfig)) {
      if (!brokerConfigDefinition(name)) throw new Error(`unknown broker config ${name}=${value}`);
    }
    for (const state of this.metadata.topics) this.registerTopic(new Topic(this, state));
    this.admin = new TopicAdmin(this);
    this.controller = new Controller(this);
    this.replication = new ReplicaManager(this);
    this.reassignments = new ReassignmentManager(this);
    this.groups = new GroupCoordinator(this);
    this.txns = new TransactionCoordinator(this);
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
    cluster.controller.start();
    for (const topic of cluster.topics.values()) for (const p of topic.partitions) cluster.replication.partitionChanged(p);
    // After the replicas are set up: unfinished transactions complete, timeouts start counting.
    cluster.txns.start();
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

  stopBroker(nodeId: number, crash: boolean): Promise<void> {
    return this.controller.stopBroker(nodeId, crash);
  }

  startBroker(nodeId: number): Promise<void> {
    return this.controller.startBroker(nodeId);
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

  /** How a broker connects to another broker's listener (replica fetchers). */
  interBrokerConnectOptions(): { tls?: import('node:tls').ConnectionOptions } {
    return this.security.interBrokerConnectOptions();
  }

  /** Inter-broker connections authenticate like any client when the listeners require SASL. */
  async authenticateInterBroker(client: import('../replication/broker-client.js').BrokerClient): Promise<void> {
    await this.security.authenticateInterBroker(client);
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
    this.groups.close();
    this.txns.close();
    this.controller.close();
    this.replication.close();
    for (const node of this.nodes) if (node.isRunning) await node.shutdownListener('stopped');
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        for (const nodeId of [...partition.openLogs().keys()]) partition.closeLogOn(nodeId, false);
      }
    }
    this.changeListeners.clear();
  }
}
