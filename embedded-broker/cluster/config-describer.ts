// Effective configuration of a topic or broker, with where each value comes from, in the
// terms DescribeConfigs and CreateTopics report (Kafka's ConfigSource and ConfigType ids).
import { BROKER_CONFIGS, TOPIC_CONFIGS, brokerConfigDefinition, type ConfigType } from './config-definitions.js';
import type { Cluster } from './cluster.js';

export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

const CONFIG_TYPE_IDS: Record<ConfigType, number> = {
  boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9,
};

export interface ConfigSynonym {
  name: string;
  value: string;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string;
  readOnly: boolean;
  source: number;
  isDefault: boolean;
  isSensitive: boolean;
  configType: number;
  /** Most specific first, as Kafka orders them. */
  synonyms: ConfigSynonym[];
}

function brokerSynonyms(cluster: Cluster, name: string): ConfigSynonym[] {
  const def = brokerConfigDefinition(name);
  if (!def) return [];
  const out: ConfigSynonym[] = [];
  const source = cluster.brokerConfigSource(name);
  if (source === 'dynamic') out.push({ name, value: cluster.metadata.brokerConfigs[name]!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  if (source !== 'default') {
    const staticValue = cluster.options.config?.[name];
    if (staticValue !== undefined || source === 'static') out.push({ name, value: cluster.brokerConfig(name), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  out.push({ name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
  return out;
}

export function describeTopicConfigs(cluster: Cluster, overrides: Record<string, string>): DescribedConfig[] {
  return TOPIC_CONFIGS.map((def) => {
    const synonyms: ConfigSynonym[] = [];
    const override = overrides[def.name];
    if (override !== undefined) synonyms.push({ name: def.name, value: override, source: ConfigSource.TOPIC_CONFIG });
    if (def.brokerSynonym) synonyms.push(...brokerSynonyms(cluster, def.brokerSynonym));
    else synonyms.push({ name: def.name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    const effective = synonyms[0]!;
    return {
      name: def.name,
      value: effective.value,
      readOnly: false,
      source: effective.source,
      isDefault: effective.source === ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      configType: CONFIG_TYPE_IDS[def.type],
      synonyms,
    };
  });
}

export function describeBrokerConfigs(cluster: Cluster): DescribedConfig[] {
  return BROKER_CONFIGS.map((def) => {
    const synonyms = brokerSynonyms(cluster, def.name);
    const effective = synonyms[0]!;
    return {
      name: def.name,
      value: effective.value,
      readOnly: !!def.readOnly,
      source: effective.source,
      isDefault: effective.source === ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      configType: CONFIG_TYPE_IDS[def.type],
      synonyms,
    };
  });
}
