// Kafka's topic and broker configuration names, types and defaults (facts from Kafka's
// documentation), plus the sandbox's own defaults where it deliberately differs.
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../log/log-config.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

export interface ConfigDefinition {
  name: string;
  type: ConfigType;
  /** Kafka's default, as a string (what DescribeConfigs reports). */
  defaultValue: string;
  /** For topic configs: the broker-level config that supplies the default. */
  brokerSynonym?: string;
  validValues?: readonly string[];
  min?: number;
  readOnly?: boolean;
}

const LONG_MAX = '9223372036854775807';

export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', brokerSynonym: 'log.cleanup.policy', validValues: ['delete', 'compact'] },
  { name: 'compression.type', type: 'string', defaultValue: 'producer', brokerSynonym: 'compression.type', validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', brokerSynonym: 'log.cleaner.delete.retention.ms', min: 0 },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', brokerSynonym: 'log.segment.delete.delay.ms', min: 0 },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.flush.interval.messages', min: 1 },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.flush.interval.ms', min: 0 },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', brokerSynonym: 'log.index.interval.bytes', min: 0 },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.cleaner.max.compaction.lag.ms', min: 1 },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', brokerSynonym: 'message.max.bytes', min: 0 },
  { name: 'message.timestamp.type', type: 'string', defaultValue: 'CreateTime', brokerSynonym: 'log.message.timestamp.type', validValues: ['CreateTime', 'LogAppendTime'] },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', brokerSynonym: 'log.cleaner.min.cleanable.ratio', min: 0 },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', brokerSynonym: 'log.cleaner.min.compaction.lag.ms', min: 0 },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', brokerSynonym: 'min.insync.replicas', min: 1 },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false', brokerSynonym: 'log.preallocate' },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1', brokerSynonym: 'log.retention.bytes' },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', brokerSynonym: 'log.retention.ms', min: -1 },
  { name: 'segment.bytes', type: 'int', defaultValue: '1073741824', brokerSynonym: 'log.segment.bytes', min: 14 },
  { name: 'segment.index.bytes', type: 'int', defaultValue: '10485760', brokerSynonym: 'log.index.size.max.bytes', min: 4 },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', brokerSynonym: 'log.roll.jitter.ms', min: 0 },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', brokerSynonym: 'log.roll.ms', min: 1 },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false', brokerSynonym: 'unclean.leader.election.enable' },
];

/** Broker configs: the topic synonyms above plus broker-only settings the sandbox honours. */
export const BROKER_CONFIGS: readonly ConfigDefinition[] = [
  ...TOPIC_CONFIGS.filter((d) => d.brokerSynonym).map((d) => ({ ...d, name: d.brokerSynonym!, brokerSynonym: undefined })),
  { name: 'auto.create.topics.enable', type: 'boolean', defaultValue: 'true' },
  { name: 'num.partitions', type: 'int', defaultValue: '1', min: 1 },
  { name: 'default.replication.factor', type: 'int', defaultValue: '1', min: 1 },
  { name: 'delete.topic.enable', type: 'boolean', defaultValue: 'true' },
  { name: 'socket.request.max.bytes', type: 'int', defaultValue: '104857600', min: 1, readOnly: true },
  { name: 'connections.max.idle.ms', type: 'long', defaultValue: '600000', min: 1, readOnly: true },
  { name: 'log.retention.check.interval.ms', type: 'long', defaultValue: '300000', min: 1, readOnly: true },
  { name: 'replica.lag.time.max.ms', type: 'long', defaultValue: '30000', min: 1 },
  { name: 'replica.fetch.wait.max.ms', type: 'int', defaultValue: '500', min: 0 },
  { name: 'broker.session.timeout.ms', type: 'int', defaultValue: '9000', min: 1 },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', defaultValue: 'true' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', defaultValue: '3000', min: 0 },
  { name: 'group.min.session.timeout.ms', type: 'int', defaultValue: '6000', min: 0 },
  { name: 'group.max.session.timeout.ms', type: 'int', defaultValue: '1800000', min: 0 },
  { name: 'offsets.retention.minutes', type: 'int', defaultValue: '10080', min: 1 },
  { name: 'offsets.retention.check.interval.ms', type: 'long', defaultValue: '600000', min: 1, readOnly: true },
  { name: 'group.max.size', type: 'int', defaultValue: '2147483647', min: 1, readOnly: true },
  { name: 'producer.id.expiration.ms', type: 'int', defaultValue: '86400000', min: 1 },
  { name: 'transactional.id.expiration.ms', type: 'int', defaultValue: '604800000', min: 1 },
  { name: 'producer.id.expiration.check.interval.ms', type: 'int', defaultValue: '600000', min: 1, readOnly: true },
  { name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'int', defaultValue: '3600000', min: 1, readOnly: true },
  { name: 'transaction.max.timeout.ms', type: 'int', defaultValue: '900000', min: 1 },
  { name: 'max.partitions.per.topic', type: 'int', defaultValue: '10000', min: 1 },
  { name: 'broker.id', type: 'int', defaultValue: '-1', readOnly: true },
];

/** What the sandbox sets at start unless told otherwise: faster failure detection and small segments keep the demo lively. */
export const SANDBOX_BROKER_DEFAULTS: Readonly<Record<string, string>> = {
  'log.segment.bytes': String(64 * 1024 * 1024),
  'log.retention.check.interval.ms': '30000',
  'replica.lag.time.max.ms': '5000',
  'broker.session.timeout.ms': '3000',
  'group.initial.rebalance.delay.ms': '0',
  'log.segment.delete.delay.ms': '0',
};

const topicDefs = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));
const brokerDefs = new Map(BROKER_CONFIGS.map((d) => [d.name, d]));

export function topicConfigDefinition(name: string): ConfigDefinition | undefined {
  return topicDefs.get(name);
}
export function brokerConfigDefinition(name: string): ConfigDefinition | undefined {
  return brokerDefs.get(name);
}

/** Returns an error message when `value` is not acceptable for `def`, else undefined. */
export function validateConfigValue(def: ConfigDefinition, value: string | null): string | undefined {
  if (value === null) return `Config ${def.name} cannot be null`;
  if (def.readOnly) return `Config ${def.name} is read-only`;
  switch (def.type) {
    case 'boolean':
      if (value !== 'true' && value !== 'false') return `Invalid value ${value} for configuration ${def.name}: Expected value to be either true or false`;
      return undefined;
    case 'int':
    case 'short':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) return `Invalid value ${value} for configuration ${def.name}: Not a number of type ${def.type.toUpperCase()}`;
      const n = Number(value);
      if (def.type === 'int' && (n > 2147483647 || n < -2147483648)) return `Invalid value ${value} for configuration ${def.name}: out of INT range`;
      if (def.min !== undefined && n < def.min) return `Invalid value ${value} for configuration ${def.name}: Value must be at least ${def.min}`;
      return undefined;
    }
    case 'double': {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n)) return `Invalid value ${value} for configuration ${def.name}: Not a number of type DOUBLE`;
      if (def.min !== undefined && n < def.min) return `Invalid value ${value} for configuration ${def.name}: Value must be at least ${def.min}`;
      return undefined;
    }
    case 'list': {
      const items = value.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = def.validValues && items.find((i) => !def.validValues!.includes(i));
      if (bad) return `Invalid value ${value} for configuration ${def.name}: String must be one of: ${def.validValues!.join(', ')}`;
      return undefined;
    }
    default:
      if (def.validValues && !def.validValues.includes(value)) {
        return `Invalid value ${value} for configuration ${def.name}: String must be one of: ${def.validValues.join(', ')}`;
      }
      return undefined;
  }
}

function toNumber(v: string): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(n, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

/** The log settings a partition uses, from a resolver of effective topic config values. */
export function logConfigFrom(value: (topicConfigName: string) => string): LogConfig {
  return {
    ...DEFAULT_LOG_CONFIG,
    segmentBytes: toNumber(value('segment.bytes')),
    segmentMs: toNumber(value('segment.ms')),
    retentionMs: toNumber(value('retention.ms')),
    retentionBytes: toNumber(value('retention.bytes')),
    indexIntervalBytes: toNumber(value('index.interval.bytes')),
    flushMessages: toNumber(value('flush.messages')),
    flushMs: toNumber(value('flush.ms')),
    fileDeleteDelayMs: toNumber(value('file.delete.delay.ms')),
  };
}
