// DeleteTopics (key 20), v0-6: by name, and from v6 by topic id.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic } from './partition-access.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse, Encodable } from '../protocol/generated/message-types.js';

export const deleteTopicsApi = defineApi<DeleteTopicsRequest, Encodable<DeleteTopicsResponse>>({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  handle(ctx, req) {
    const wanted = ctx.version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: undefined }));
    let deleted = false;
    const responses = wanted.map(({ name, topicId }) => {
      try {
        const topic = findTopic(ctx, name, topicId);
        ctx.cluster.admin.deleteTopic(topic);
        deleted = true;
        return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        const { code, message } = errorCodeOf(ctx, err);
        return { name, topicId, errorCode: code, errorMessage: message };
      }
    });
    if (deleted) ctx.cluster.persist();
    return { throttleTimeMs: 0, responses };
  },
});
