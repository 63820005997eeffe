// DescribeGroups (key 15), v0-5: state, protocol, members with client id and host, and (when
// Stable) each member's subscription metadata and assignment bytes. An unknown group is
// described as Dead with no members; kafkajs' offset reset relies on that.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { ALL_GROUP_OPERATIONS, OPS_NOT_REQUESTED, groupAccessError } from './group-access.js';
import { describeGroup } from '../group/group-admin.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse, Encodable } from '../protocol/generated/message-types.js';

export const describeGroupsApi = defineApi<DescribeGroupsRequest, Encodable<DescribeGroupsResponse>>({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const ops = ctx.version >= 3 && req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPS_NOT_REQUESTED;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        const errorCode = groupAccessError(ctx, groupId, true);
        if (errorCode !== ErrorCode.NONE) return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: ops };
        return { ...describeGroup(ctx.cluster.groups, groupId), authorizedOperations: ops };
      }),
    };
  },
});
