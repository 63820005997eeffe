// Config changes for topics and brokers, shared by AlterConfigs (whole-set replace) and
// IncrementalAlterConfigs (SET / DELETE / APPEND / SUBTRACT). Validation completes before
// anything changes.
import { ErrorCode, KafkaError } from './error-codes.js';
import { brokerConfigDefinition, topicConfigDefinition, validateConfigValue, type ConfigDefinition } from './config-definitions.js';
import type { Cluster } from './cluster.js';

export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigChange {
  name: string;
  operation: number;
  value: string | null;
}

/** The override map a resource currently has. */
function currentOverrides(cluster: Cluster, resourceType: number, resourceName: string): Record<string, string> {
  if (resourceType === ResourceType.TOPIC) {
    const topic = cluster.topics.get(resourceName);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`);
    return topic.state.configs;
  }
  if (resourceType === ResourceType.BROKER) {
    if (resourceName !== '' && !(/^\d+$/.test(resourceName) && cluster.hasNode(Number(resourceName)))) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown broker ${resourceName}.`);
    }
    return cluster.metadata.brokerConfigs;
  }
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}.`);
}

function definition(resourceType: number, name: string): ConfigDefinition {
  const def = resourceType === ResourceType.TOPIC ? topicConfigDefinition(name) : brokerConfigDefinition(name);
  if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown ${resourceType === ResourceType.TOPIC ? 'topic' : 'broker'} config name: ${name}`);
  return def;
}

/** Computes the override map after `changes`; `replace` drops every override not named (AlterConfigs). */
export function planConfigChange(cluster: Cluster, resourceType: number, resourceName: string, changes: ConfigChange[], replace: boolean): Record<string, string> {
  const before = currentOverrides(cluster, resourceType, resourceName);
  const next: Record<string, string> = replace ? {} : { ...before };
  for (const change of changes) {
    const def = definition(resourceType, change.name);
    const currentItems = () => (next[change.name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    let value: string | null;
    switch (change.operation) {
      case ConfigOperation.SET:
        value = change.value;
        break;
      case ConfigOperation.DELETE:
        delete next[change.name];
        continue;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        if (def.type !== 'list') throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config ${change.name} is not a list; APPEND and SUBTRACT need a list config.`);
        const items = (change.value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const kept = change.operation === ConfigOperation.APPEND ? [...new Set([...currentItems(), ...items])] : currentItems().filter((i) => !items.includes(i));
        value = kept.join(',');
        break;
      }
      default:
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${change.operation}.`);
    }
    if (value === null) {
      delete next[change.name];
      continue;
    }
    const problem = validateConfigValue(def, value);
    if (problem) throw new KafkaError(ErrorCode.INVALID_CONFIG, problem);
    next[change.name] = value.trim();
  }
  return next;
}

export function applyConfigChange(cluster: Cluster, resourceType: number, resourceName: string, overrides: Record<string, string>): void {
  if (resourceType === ResourceType.TOPIC) {
    const topic = cluster.topics.get(resourceName)!;
    topic.state.configs = overrides;
    for (const p of topic.partitions) p.applyLogConfig();
  } else {
    cluster.metadata.brokerConfigs = overrides;
    for (const topic of cluster.topics.values()) for (const p of topic.partitions) p.applyLogConfig();
  }
}
