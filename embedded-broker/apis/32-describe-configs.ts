// DescribeConfigs (key 32), v0-4: topic and broker configs with their source, synonyms
// (v1+) and types (v3+).
import { defineApi } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, failIfInjected } from './partition-access.js';
import { describeBrokerConfigs, describeTopicConfigs, type DescribedConfig } from '../cluster/config-describer.js';
import { ResourceType } from '../cluster/config-admin.js';
import type { RequestContext } from './api-handler.js';
import type { DescribeConfigsRequest, DescribeConfigsResponse, Encodable } from '../protocol/generated/message-types.js';

function configsOf(ctx: RequestContext, resourceType: number, resourceName: string): DescribedConfig[] {
  failIfInjected(ctx);
  if (resourceType === ResourceType.TOPIC) {
    const topic = ctx.cluster.topics.get(resourceName);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`);
    return describeTopicConfigs(ctx.cluster, topic.state.configs);
  }
  if (resourceType === ResourceType.BROKER) {
    if (resourceName !== '' && !(/^\d+$/.test(resourceName) && ctx.cluster.hasNode(Number(resourceName)))) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown broker ${resourceName}.`);
    }
    return describeBrokerConfigs(ctx.cluster);
  }
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}.`);
}

export const describeConfigsApi = defineApi<DescribeConfigsRequest, Encodable<DescribeConfigsResponse>>({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const results = req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        const keys = r.configurationKeys;
        const configs = configsOf(ctx, r.resourceType, r.resourceName).filter((c) => !keys || keys.includes(c.name));
        return {
          ...base,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          configs: configs.map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            isDefault: c.isDefault,
            configSource: c.source,
            isSensitive: c.isSensitive,
            synonyms: req.includeSynonyms ? c.synonyms : [],
            configType: c.configType,
            documentation: null,
          })),
        };
      } catch (err) {
        const { code, message } = errorCodeOf(ctx, err);
        return { ...base, errorCode: code, errorMessage: message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
