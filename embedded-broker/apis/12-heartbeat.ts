// Heartbeat (key 12), v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to re-join.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { heartbeat } from '../group/group-membership.js';
import type { Encodable, HeartbeatRequest, HeartbeatResponse } from '../protocol/generated/message-types.js';

export const heartbeatApi = defineApi<HeartbeatRequest, Encodable<HeartbeatResponse>>({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const access = groupAccessError(ctx, req.groupId, false);
    if (access !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: access };
    const instanceId = ctx.version >= 3 ? req.groupInstanceId : null;
    return { throttleTimeMs: 0, errorCode: heartbeat(ctx.cluster.groups, req.groupId, req.memberId, instanceId, req.generationId) };
  },
});
