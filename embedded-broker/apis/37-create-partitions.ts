// CreatePartitions (key 37), v0-3: grows a topic, optionally with explicit placement.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic } from './partition-access.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse, Encodable } from '../protocol/generated/message-types.js';

export const createPartitionsApi = defineApi<CreatePartitionsRequest, Encodable<CreatePartitionsResponse>>({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  handle(ctx, req) {
    let changed = false;
    const results = req.topics.map((t) => {
      try {
        const topic = findTopic(ctx, t.name);
        const states = ctx.cluster.admin.planPartitions(topic, t.count, t.assignments?.map((a) => a.brokerIds) ?? null);
        if (!req.validateOnly) {
          ctx.cluster.admin.addPartitions(topic, states);
          changed = true;
        }
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        const { code, message } = errorCodeOf(ctx, err);
        return { name: t.name, errorCode: code, errorMessage: message };
      }
    });
    if (changed) ctx.cluster.persist();
    return { throttleTimeMs: 0, results };
  },
});
