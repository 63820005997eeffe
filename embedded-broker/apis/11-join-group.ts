// JoinGroup (key 11), v0-9. The state machine is in group/group-join.ts; this maps versions:
// v0 has no rebalance timeout (the session timeout serves), v4+ uses the two-step join with
// MEMBER_ID_REQUIRED, v5+ carries group.instance.id, v7+ returns the protocol type and a
// nullable protocol name, v9 tells a rejoining static leader to skip the assignment.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { clientHostOf, groupAccessError } from './group-access.js';
import { joinGroup } from '../group/group-join.js';
import { joinError, type JoinResult } from '../group/group-results.js';
import type { Encodable, JoinGroupRequest, JoinGroupResponse } from '../protocol/generated/message-types.js';

function toWire(version: number, r: JoinResult): Encodable<JoinGroupResponse> {
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // Before v7 the protocol name is not nullable; Kafka sends "" for "none".
    protocolName: version >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leaderId,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    // Before v9 a static leader rejoining a Stable group gets no member list (it has nothing to assign).
    members: version < 9 && r.skipAssignment ? [] : r.members,
  };
}

export const joinGroupApi = defineApi<JoinGroupRequest, Encodable<JoinGroupResponse>>({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, req) {
    const v = ctx.version;
    const access = groupAccessError(ctx, req.groupId, false);
    if (access !== ErrorCode.NONE) return toWire(v, joinError(access, req.memberId));
    const result = await joinGroup(ctx.cluster.groups, {
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      requireKnownMemberId: v >= 4,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHostOf(ctx),
      rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    });
    return toWire(v, result);
  },
});
