// LeaveGroup (key 13), v0-5. v0-2 name one member; v3+ a batch of members, each by member id
// or (for static members) by instance id alone, with an error per member. Before v3 the
// response has only a top-level error, which then carries the member's error.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { leaveGroup } from '../group/group-membership.js';
import type { Encodable, LeaveGroupRequest, LeaveGroupResponse } from '../protocol/generated/message-types.js';

export const leaveGroupApi = defineApi<LeaveGroupRequest, Encodable<LeaveGroupResponse>>({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const batched = ctx.version >= 3;
    const access = groupAccessError(ctx, req.groupId, false);
    if (access !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: access, members: [] };
    const leaving = batched ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }];
    if (batched && leaving.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, members: [] };
    const outcome = leaveGroup(ctx.cluster.groups, req.groupId, leaving);
    if (batched) return { throttleTimeMs: 0, errorCode: outcome.errorCode, members: outcome.members };
    const memberError = outcome.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: outcome.errorCode !== ErrorCode.NONE ? outcome.errorCode : memberError };
  },
});
