// DescribeGroups, ListGroups and DeleteGroups: what admin clients and the console see.
import { ErrorCode } from '../cluster/error-codes.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { GroupErrorCode } from './group-results.js';

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

/** Kafka describes an unknown group as Dead with no members, not as an error. */
export function describeGroup(coord: GroupCoordinator, groupId: string): GroupDescription {
  const group = coord.groups.get(groupId);
  if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
  // Metadata and assignments are only meaningful (and only shown by Kafka) once the group is Stable.
  const stable = group.is('Stable');
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable && group.protocolName !== null ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
      memberAssignment: stable ? m.assignment : Buffer.alloc(0),
    })),
  };
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
}

/** Groups this node coordinates; clients ask every broker and merge. State filters compare case-insensitively. */
export function listGroups(coord: GroupCoordinator, nodeId: number, statesFilter: string[]): ListedGroup[] {
  const states = new Set(statesFilter.map((s) => s.toLowerCase()));
  const out: ListedGroup[] = [];
  for (const group of coord.groups.values()) {
    if (group.is('Dead') || !coord.isCoordinator(group.groupId, nodeId)) continue;
    if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
    out.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state });
  }
  return out;
}

/** Deletes an Empty group and its offsets; resolves after the deletion is durable. */
export function deleteGroup(coord: GroupCoordinator, groupId: string): number | Promise<number> {
  const group = coord.groups.get(groupId);
  if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
  if (!group.is('Empty')) return GroupErrorCode.NON_EMPTY_GROUP;
  coord.removeGroup(group);
  return coord.store.deleteGroup(groupId).then(
    () => ErrorCode.NONE,
    () => ErrorCode.COORDINATOR_NOT_AVAILABLE,
  );
}
