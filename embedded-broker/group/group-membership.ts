// Heartbeat and LeaveGroup: keeping a member's session alive (and telling it about a
// rebalance), and members leaving on purpose (single or, v3+, batched by instance id).
import { ErrorCode } from '../cluster/error-codes.js';
import type { GroupCoordinator } from './group-coordinator.js';

export function heartbeat(coord: GroupCoordinator, groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
  const group = coord.groups.get(groupId);
  if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
  const member = group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  switch (group.state) {
    case 'Empty':
      return ErrorCode.UNKNOWN_MEMBER_ID;
    case 'PreparingRebalance':
      coord.scheduleHeartbeat(group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    // A member may heartbeat between its join and sync; that is an ordinary heartbeat (Kafka 2.8+).
    case 'CompletingRebalance':
    case 'Stable':
      coord.scheduleHeartbeat(group, member);
      return ErrorCode.NONE;
    default:
      return ErrorCode.UNKNOWN_MEMBER_ID;
  }
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveOutcome {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export function leaveGroup(coord: GroupCoordinator, groupId: string, leaving: LeavingMember[]): LeaveOutcome {
  const group = coord.groups.get(groupId);
  if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
  if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
  const members = leaving.map((l) => {
    let memberId = l.memberId;
    // v3+ lets an admin remove a static member by instance id alone.
    if (memberId === '' && l.groupInstanceId !== null) {
      const current = group.staticMembers.get(l.groupInstanceId);
      if (current === undefined) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      memberId = current;
    }
    if (group.isStaticMemberFenced(memberId, l.groupInstanceId)) return { ...l, errorCode: ErrorCode.FENCED_INSTANCE_ID };
    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(memberId);
      coord.tryCompleteJoin(group);
      return { ...l, errorCode: ErrorCode.NONE };
    }
    const member = group.members.get(memberId);
    if (!member) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    coord.removeMemberAndUpdateGroup(group, member);
    return { ...l, errorCode: ErrorCode.NONE };
  });
  return { errorCode: ErrorCode.NONE, members };
}
