// ListGroups (key 16), v0-5: the groups this broker coordinates (clients ask every broker).
// v4 filters by state, v5 by group type; every group here is a "classic" one.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { listGroups } from '../group/group-admin.js';
import type { Encodable, ListGroupsRequest, ListGroupsResponse } from '../protocol/generated/message-types.js';

export const listGroupsApi = defineApi<ListGroupsRequest, Encodable<ListGroupsResponse>>({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const v = ctx.version;
    const types = v >= 5 ? req.typesFilter.map((t) => t.toLowerCase()) : [];
    if (types.length > 0 && !types.includes('classic')) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [] };
    const groups = listGroups(ctx.cluster.groups, ctx.node.nodeId, v >= 4 ? req.statesFilter : []);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: groups.map((g) => ({ ...g, groupType: 'classic' })) };
  },
});
