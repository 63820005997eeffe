// Checks shared by the group APIs: a usable group id, and that this broker is the group's
// coordinator (else NOT_COORDINATOR, and the client asks FindCoordinator again).
import { ErrorCode } from '../cluster/error-codes.js';
import type { RequestContext } from './api-handler.js';

/**
 * NONE when this broker may answer for the group. Commit, fetch, describe and delete accept
 * an empty group id (group-less consumers store offsets under it), the membership APIs do not.
 */
export function groupAccessError(ctx: RequestContext, groupId: string | null, allowEmptyId: boolean): number {
  if (groupId === null || (!allowEmptyId && groupId === '')) return ErrorCode.INVALID_GROUP_ID;
  if (!ctx.cluster.groups.isCoordinator(groupId, ctx.node.nodeId)) return ErrorCode.NOT_COORDINATOR;
  return ErrorCode.NONE;
}

/** Kafka reports client hosts as InetAddress.toString() does: "/127.0.0.1". */
export function clientHostOf(ctx: RequestContext): string {
  return `/${ctx.connection.remoteAddress.replace(/^::ffff:/, '')}`;
}

/** Kafka's "all operations" bitfield for a group (READ, DELETE, DESCRIBE); the sandbox has no ACLs. */
export const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
export const OPS_NOT_REQUESTED = -2147483648;
