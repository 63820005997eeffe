// JoinGroup and SyncGroup against the coordinator's state machine, following Kafka's classic
// GroupCoordinator: new members (with the v4+ MEMBER_ID_REQUIRED round trip), known members
// re-joining (a re-join that changes nothing in Stable does not rebalance), static members
// replacing their previous incarnation, and the leader's assignment handed to everyone.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../cluster/error-codes.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS } from './group-coordinator.js';
import type { Group } from './group.js';
import { Member, type MemberProtocol } from './member.js';
import { joinError, syncError, type JoinResult, type SyncResult } from './group-results.js';

/**
 * Largest protocol metadata or assignment the sandbox keeps per member. Kafka has no such
 * cap (it fails later, writing the group record); refusing up front with INVALID_REQUEST, a
 * non-retriable error, keeps one client from holding huge buffers and stops it retrying.
 */
export const MAX_MEMBER_METADATA_BYTES = 1024 * 1024;

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** v4+: a new member first gets a member id (MEMBER_ID_REQUIRED) and must join again with it. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
}

export function joinGroup(coord: GroupCoordinator, req: JoinRequest): Promise<JoinResult> | JoinResult {
  const minSession = Number(coord.cluster.brokerConfig('group.min.session.timeout.ms'));
  const maxSession = Number(coord.cluster.brokerConfig('group.max.session.timeout.ms'));
  if (req.sessionTimeoutMs < minSession || req.sessionTimeoutMs > maxSession) return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
  if (req.protocols.some((p) => p.metadata.length > MAX_MEMBER_METADATA_BYTES)) return joinError(ErrorCode.INVALID_REQUEST, req.memberId);
  const isUnknown = req.memberId === '';
  const group = isUnknown ? coord.getOrCreate(req.groupId) : coord.groups.get(req.groupId);
  if (!group) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
  if (!acceptsJoiningMember(coord, group, req.memberId)) {
    // Kafka also drops a known member it turns away (one that had not rejoined in time), so
    // the rebalance can complete with the members that fit.
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) clearTimeout(pending);
    group.pendingMembers.delete(req.memberId);
    group.remove(req.memberId);
    coord.tryCompleteJoin(group);
    return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED);
  }
  const outcome = isUnknown ? newMemberJoin(coord, group, req) : knownMemberJoin(coord, group, req);
  // Any join may be the last one the join phase was waiting for.
  coord.tryCompleteJoin(group);
  return outcome;
}

/**
 * Kafka's group.max.size check (GroupCoordinator.acceptJoiningMember). While a rebalance
 * gathers members, the count of those already re-joined is what counts (the group may be
 * over the limit after the limit was lowered, and the last to re-join are the ones left out);
 * otherwise existing members are always welcome and new ones only while there is room.
 */
function acceptsJoiningMember(coord: GroupCoordinator, group: Group, memberId: string): boolean {
  const maxSize = Number(coord.cluster.brokerConfig('group.max.size'));
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return group.members.get(memberId)?.isAwaitingJoin === true || group.awaitingJoinCount < maxSize;
    default:
      return group.has(memberId) || group.members.size < maxSize;
  }
}

function newMemberJoin(coord: GroupCoordinator, group: Group, req: JoinRequest): Promise<JoinResult> | JoinResult {
  if (group.is('Dead')) return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (!group.supportsProtocols(req.protocolType, req.protocols)) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const memberId = `${req.clientId}-${randomUUID()}`;
  if (req.groupInstanceId !== null) return staticMemberJoin(coord, group, memberId, req);
  if (req.requireKnownMemberId) {
    // The member id is reserved until the member comes back with it, at most one session timeout.
    const timer = setTimeout(() => {
      group.pendingMembers.delete(memberId);
      coord.tryCompleteJoin(group);
    }, req.sessionTimeoutMs);
    timer.unref();
    group.pendingMembers.set(memberId, timer);
    return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
  }
  return addMemberAndRebalance(coord, group, memberId, req);
}

function knownMemberJoin(coord: GroupCoordinator, group: Group, req: JoinRequest): Promise<JoinResult> | JoinResult {
  const { memberId } = req;
  if (group.is('Dead')) return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId);
  if (!group.supportsProtocols(req.protocolType, req.protocols)) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId);
  const pending = group.pendingMembers.get(memberId);
  if (pending !== undefined) {
    clearTimeout(pending);
    group.pendingMembers.delete(memberId);
    return addMemberAndRebalance(coord, group, memberId, req);
  }
  if (group.isStaticMemberFenced(memberId, req.groupInstanceId)) return joinError(ErrorCode.FENCED_INSTANCE_ID, memberId);
  const member = group.members.get(memberId);
  if (!member || (req.groupInstanceId !== null && !group.staticMembers.has(req.groupInstanceId))) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(coord, group, member, req);
    case 'CompletingRebalance':
      // Same metadata: the member probably lost the join response; give it the current generation again.
      if (member.matches(req.protocols)) return currentGeneration(group, member, false);
      return updateMemberAndRebalance(coord, group, member, req);
    case 'Stable':
      // Only the leader (which may see new topics) or changed metadata starts a rebalance.
      if (group.isLeader(memberId) || !member.matches(req.protocols)) return updateMemberAndRebalance(coord, group, member, req);
      coord.scheduleHeartbeat(group, member);
      return currentGeneration(group, member, false);
    default:
      return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
  }
}

function staticMemberJoin(coord: GroupCoordinator, group: Group, newMemberId: string, req: JoinRequest): Promise<JoinResult> | JoinResult {
  const instanceId = req.groupInstanceId!;
  const oldMemberId = group.staticMembers.get(instanceId);
  const member = oldMemberId !== undefined ? group.members.get(oldMemberId) : undefined;
  if (!member) return addMemberAndRebalance(coord, group, newMemberId, req);
  // The previous incarnation is fenced: its waiting requests learn it, and the new one takes its seat without a rebalance.
  member.invokeJoin(joinError(ErrorCode.FENCED_INSTANCE_ID, member.memberId));
  member.invokeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
  group.members.delete(member.memberId);
  const wasLeader = group.isLeader(member.memberId);
  const wasPendingSync = group.pendingSyncMembers.delete(member.memberId);
  member.memberId = newMemberId;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
  group.members.set(newMemberId, member);
  group.staticMembers.set(instanceId, newMemberId);
  if (wasLeader) group.leaderId = newMemberId;
  if (wasPendingSync) group.pendingSyncMembers.add(newMemberId);
  coord.scheduleHeartbeat(group, member);
  const result = waitForJoin(member);
  updateMember(member, req);
  switch (group.state) {
    case 'Stable': {
      if (group.selectProtocol() === group.protocolName) {
        member.invokeJoin(currentGeneration(group, member, true));
      } else {
        coord.maybePrepareRebalance(group);
      }
      break;
    }
    case 'CompletingRebalance':
      // The leader may already be assigning to the old member id; start over so nobody is left out.
      coord.prepareRebalance(group);
      break;
    default:
      break;
  }
  return result;
}

function addMemberAndRebalance(coord: GroupCoordinator, group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
  const member = new Member(
    memberId,
    req.groupInstanceId,
    req.clientId,
    req.clientHost,
    req.rebalanceTimeoutMs,
    req.sessionTimeoutMs,
    req.protocolType,
    req.protocols,
  );
  const result = waitForJoin(member);
  if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
  group.add(member);
  coord.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
  coord.maybePrepareRebalance(group);
  return result;
}

function updateMemberAndRebalance(coord: GroupCoordinator, group: Group, member: Member, req: JoinRequest): Promise<JoinResult> {
  // A join replacing an earlier, still-waiting one of the same member (a client retry): the old request is answered, not left hanging.
  member.invokeJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
  const result = waitForJoin(member);
  updateMember(member, req);
  coord.maybePrepareRebalance(group);
  return result;
}

function updateMember(member: Member, req: JoinRequest): void {
  member.protocols = req.protocols;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
}

function waitForJoin(member: Member): Promise<JoinResult> {
  return new Promise<JoinResult>((resolve) => {
    member.joinCallback = resolve;
  });
}

/** The answer for a member re-joining without changing the generation. */
function currentGeneration(group: Group, member: Member, staticRejoin: boolean): JoinResult {
  const isLeader = group.isLeader(member.memberId);
  return {
    errorCode: ErrorCode.NONE,
    memberId: member.memberId,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId ?? '',
    skipAssignment: staticRejoin && isLeader,
    members: isLeader
      ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(group.protocolName!) }))
      : [],
  };
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export function syncGroup(coord: GroupCoordinator, req: SyncRequest): Promise<SyncResult> | SyncResult {
  const group = coord.groups.get(req.groupId);
  if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return syncError(ErrorCode.FENCED_INSTANCE_ID);
  const member = group.members.get(req.memberId);
  if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
  if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
    return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  if (req.assignments.some((a) => a.assignment.length > MAX_MEMBER_METADATA_BYTES)) return syncError(ErrorCode.INVALID_REQUEST);
  switch (group.state) {
    case 'Empty':
      return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'PreparingRebalance':
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'CompletingRebalance': {
      member.invokeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      const result = new Promise<SyncResult>((resolve) => {
        member.syncCallback = resolve;
      });
      coord.removePendingSyncMember(group, member.memberId);
      if (group.isLeader(member.memberId)) {
        // Assignments for ids that are not members are dropped; members the leader left out get nothing.
        const assignments = new Map<string, Buffer>();
        for (const a of req.assignments) if (group.has(a.memberId)) assignments.set(a.memberId, a.assignment);
        coord.setAndPropagateAssignment(group, assignments);
      }
      return result;
    }
    case 'Stable':
      coord.removePendingSyncMember(group, member.memberId);
      coord.scheduleHeartbeat(group, member);
      if (coord.holdsSync(group, member.memberId)) {
        member.invokeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        return new Promise<SyncResult>((resolve) => {
          member.syncCallback = resolve;
        });
      }
      return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
    default:
      return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  }
}
