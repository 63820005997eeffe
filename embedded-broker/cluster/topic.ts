// A topic at run time: its durable state plus the partitions' run-time objects, and the
// config resolution order Kafka uses (topic override, then broker setting, then default).
import { logConfigFrom, topicConfigDefinition } from './config-definitions.js';
import type { LogConfig } from '../log/log-config.js';
import type { TopicState } from './metadata-store.js';
import { Partition } from './partition.js';
import type { Cluster } from './cluster.js';

export class Topic {
  readonly partitions: Partition[];

  constructor(
    readonly cluster: Cluster,
    readonly state: TopicState,
  ) {
    this.partitions = state.partitions.map((p) => new Partition(this, p));
  }

  get name(): string {
    return this.state.name;
  }

  get topicId(): string {
    return this.state.topicId;
  }

  /** The effective value of a topic config. */
  config(name: string): string {
    const override = this.state.configs[name];
    if (override !== undefined) return override;
    const def = topicConfigDefinition(name);
    if (!def) throw new Error(`unknown topic config ${name}`);
    return def.brokerSynonym ? this.cluster.brokerConfig(def.brokerSynonym) : def.defaultValue;
  }

  logConfig(): LogConfig {
    return logConfigFrom((name) => this.config(name));
  }

  addPartition(partition: Partition): void {
    this.partitions.push(partition);
  }
}
