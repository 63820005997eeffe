// SyncGroup (key 14), v0-5: the leader hands in the assignment, everyone gets their share.
// v3+ carries group.instance.id; v5 lets the client check protocol type and name.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { syncGroup } from '../group/group-join.js';
import { syncError } from '../group/group-results.js';
import type { Encodable, SyncGroupRequest, SyncGroupResponse } from '../protocol/generated/message-types.js';

export const syncGroupApi = defineApi<SyncGroupRequest, Encodable<SyncGroupResponse>>({
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const v = ctx.version;
    const access = groupAccessError(ctx, req.groupId, false);
    const result =
      access !== ErrorCode.NONE
        ? syncError(access)
        : await syncGroup(ctx.cluster.groups, {
            groupId: req.groupId,
            generationId: req.generationId,
            memberId: req.memberId,
            groupInstanceId: v >= 3 ? req.groupInstanceId : null,
            protocolType: v >= 5 ? req.protocolType : null,
            protocolName: v >= 5 ? req.protocolName : null,
            assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
          });
    return { throttleTimeMs: 0, errorCode: result.errorCode, protocolType: result.protocolType, protocolName: result.protocolName, assignment: result.assignment };
  },
});
