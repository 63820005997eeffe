// CreateTopics (key 19), v0-7: partitions or an explicit replica assignment, configs,
// validate-only. From v5 the answer carries the new topic's effective configs.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, failIfInjected } from './partition-access.js';
import { describeTopicConfigs } from '../cluster/config-describer.js';
import type { CreateTopicsRequest, CreateTopicsResponse, CreateTopicsResponseCreatableTopicResult, Encodable } from '../protocol/generated/message-types.js';

export const createTopicsApi = defineApi<CreateTopicsRequest, Encodable<CreateTopicsResponse>>({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  handle(ctx, req) {
    const { cluster, version } = ctx;
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results: Encodable<CreateTopicsResponseCreatableTopicResult>[] = [];
    let created = false;
    for (const t of req.topics) {
      if (seen.get(t.name)! > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Create topic request contains topic ${t.name} more than once.`, numPartitions: -1, replicationFactor: -1, configs: null });
        continue;
      }
      try {
        failIfInjected(ctx);
        const state = cluster.admin.planTopic(t);
        if (!req.validateOnly) {
          cluster.admin.createTopic(state);
          created = true;
        }
        results.push({
          name: t.name,
          topicId: version >= 7 && !req.validateOnly ? state.topicId : undefined,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: state.partitions.length,
          replicationFactor: state.partitions[0]?.replicas.length ?? -1,
          configs: describeTopicConfigs(cluster, state.configs).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.source,
            isSensitive: c.isSensitive,
          })),
        });
      } catch (err) {
        const { code, message } = errorCodeOf(ctx, err);
        results.push({ name: t.name, errorCode: code, errorMessage: message, numPartitions: -1, replicationFactor: -1, configs: null });
      }
    }
    if (created) cluster.persist();
    return { throttleTimeMs: 0, topics: results };
  },
});
