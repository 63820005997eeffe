// DeleteGroups (key 42), v0-2: only Empty groups (else NON_EMPTY_GROUP); unknown ones get
// GROUP_ID_NOT_FOUND. The group's committed offsets go with it, durably, before the answer.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import { deleteGroup } from '../group/group-admin.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse, Encodable } from '../protocol/generated/message-types.js';

export const deleteGroupsApi = defineApi<DeleteGroupsRequest, Encodable<DeleteGroupsResponse>>({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    const results = await Promise.all(
      req.groupsNames.map(async (groupId) => {
        const access = groupAccessError(ctx, groupId, false);
        const errorCode = access !== ErrorCode.NONE ? access : await deleteGroup(ctx.cluster.groups, groupId);
        return { groupId, errorCode };
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
