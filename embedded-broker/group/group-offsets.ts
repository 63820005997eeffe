// OffsetCommit, OffsetFetch, OffsetDelete and offset retention, with Kafka's rules for who may
// commit: members of the current generation, or anyone (generation -1, no member id) while
// the group has no members — which is also why an admin's offset reset is refused while a
// group is active.
import { ErrorCode } from '../cluster/error-codes.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { OffsetCommitEntry } from './offset-store.js';
import { GroupErrorCode } from './group-results.js';

/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_CHARS = 4096;

export interface CommitContext {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v2-v4 retention override in ms; -1 for the broker default. */
  retentionTimeMs: number;
  /** v0 commits predate group membership (Kafka kept them in ZooKeeper) and are not checked against it. */
  skipMembershipCheck: boolean;
}

export interface CommitPartition {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  /** v1 only: an explicit commit time, or -1. */
  commitTimestamp: number;
}

function partitionExists(coord: GroupCoordinator, topic: string, partition: number): boolean {
  const t = coord.cluster.topics.get(topic);
  return t !== undefined && partition >= 0 && partition < t.partitions.length;
}

/** Membership check for a commit; NONE lets it through. */
function commitGroupError(coord: GroupCoordinator, c: CommitContext): number {
  let group = coord.groups.get(c.groupId);
  if (!group) {
    // Group-less ("simple") consumers store offsets under a group id that has no members.
    if (c.generationId < 0 || c.skipMembershipCheck) group = coord.getOrCreate(c.groupId);
    else return ErrorCode.ILLEGAL_GENERATION;
  }
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (c.skipMembershipCheck || (c.generationId < 0 && group.is('Empty'))) return ErrorCode.NONE;
  if (group.isStaticMemberFenced(c.memberId, c.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
  const member = group.members.get(c.memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (c.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  // A commit proves the member is alive, as Kafka treats it.
  coord.scheduleHeartbeat(group, member);
  return ErrorCode.NONE;
}

export interface TxnCommitMember {
  groupId: string;
  /** -1, '' and null (v0-v2, or a producer not tied to a consumer) skip the membership check. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/**
 * TxnOffsetCommit v3+ (KIP-447): the consumer whose offsets the producer commits must still
 * be a member of the group's current generation, so a zombie producer fed by a consumer that
 * lost its partitions cannot commit. Kafka's validateOffsetCommit with isTransactional.
 */
export function txnCommitGroupError(coord: GroupCoordinator, c: TxnCommitMember): number {
  const group = coord.groups.get(c.groupId);
  if (group?.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (c.generationId < 0 && c.memberId === '' && c.groupInstanceId === null) return ErrorCode.NONE;
  if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (c.groupInstanceId !== null) {
    const current = group.staticMembers.get(c.groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== c.memberId) return ErrorCode.FENCED_INSTANCE_ID;
  } else if (!group.has(c.memberId)) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  return c.generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
}

/** Error code per partition, in request order; resolves once accepted commits are durable. */
export function commitOffsets(coord: GroupCoordinator, c: CommitContext, partitions: CommitPartition[], now: number): number[] | Promise<number[]> {
  const codes: number[] = partitions.map((p) => (partitionExists(coord, p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  if (codes.every((code) => code !== ErrorCode.NONE)) return codes;
  const groupError = commitGroupError(coord, c);
  if (groupError !== ErrorCode.NONE) return codes.map((code) => (code === ErrorCode.NONE ? groupError : code));
  const entries: OffsetCommitEntry[] = [];
  partitions.forEach((p, i) => {
    if (codes[i] !== ErrorCode.NONE) return;
    if (p.metadata !== null && p.metadata.length > MAX_OFFSET_METADATA_CHARS) {
      codes[i] = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      return;
    }
    const commitTimestamp = p.commitTimestamp >= 0 ? p.commitTimestamp : now;
    let expireTimestamp: number | null = null;
    if (c.retentionTimeMs >= 0) expireTimestamp = now + c.retentionTimeMs;
    else if (p.commitTimestamp >= 0) expireTimestamp = p.commitTimestamp + Number(coord.cluster.brokerConfig('offsets.retention.minutes')) * 60_000;
    entries.push({
      topic: p.topic,
      partition: p.partition,
      value: { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata ?? '', commitTimestamp, expireTimestamp },
    });
  });
  if (entries.length === 0) return codes;
  return coord.store.commit(c.groupId, entries).then(
    () => codes,
    // The journal could not be written: a retriable coordinator error, as Kafka gives for a failed append.
    () => codes.map((code) => (code === ErrorCode.NONE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code)),
  );
}

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/** Committed offsets; `topics` null means every partition the group has committed. */
export function fetchOffsets(
  coord: GroupCoordinator,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
): { name: string; partitions: FetchedPartition[] }[] {
  const stored = coord.store.groupOffsets(groupId);
  const entry = (topic: string, partitionIndex: number): FetchedPartition => {
    const v = stored?.get(topic)?.get(partitionIndex);
    return v
      ? { partitionIndex, committedOffset: v.offset, committedLeaderEpoch: v.leaderEpoch, metadata: v.metadata ?? '', errorCode: ErrorCode.NONE }
      : { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
  };
  if (topics === null) {
    if (!stored) return [];
    return [...stored].map(([name, parts]) => ({ name, partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => entry(name, p)) }));
  }
  return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(t.name, p)) }));
}

/** OffsetDelete: allowed for an Empty group, or for topics an active consumer group does not subscribe to. */
export function deleteOffsets(
  coord: GroupCoordinator,
  groupId: string,
  partitions: { topic: string; partition: number }[],
): { errorCode: number; codes: number[] } | Promise<{ errorCode: number; codes: number[] }> {
  const group = coord.groups.get(groupId);
  if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, codes: [] };
  const isConsumerGroup = group.protocolType === 'consumer';
  if (!group.is('Empty') && !isConsumerGroup) return { errorCode: GroupErrorCode.NON_EMPTY_GROUP, codes: [] };
  const codes: number[] = partitions.map((p) => {
    if (!partitionExists(coord, p.topic, p.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (!group.is('Empty') && group.isSubscribedToTopic(p.topic)) return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
    return ErrorCode.NONE;
  });
  const eligible = partitions.filter((_, i) => codes[i] === ErrorCode.NONE);
  if (eligible.length === 0) return { errorCode: ErrorCode.NONE, codes };
  return coord.store.deleteOffsets(groupId, eligible).then(
    () => ({ errorCode: ErrorCode.NONE, codes }),
    () => ({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, codes: [] }),
  );
}

/**
 * Kafka's offset retention (GroupMetadata.removeExpiredOffsets): offsets with an explicit
 * expiry go then, otherwise `retention` after their base time. Which offsets are candidates:
 *  - Empty group using the group protocol: all, based on when the group became Empty;
 *  - group-less (simple) group: all, based on each commit's time;
 *  - Stable consumer group with known subscriptions: those of topics no member subscribes to
 *    any more, based on each commit's time (a consumer that moved on leaves them behind);
 *  - anything else (rebalancing, other protocols, unknown subscriptions): none.
 * Offsets a still-open transaction is about to overwrite are kept, as Kafka keeps offsets
 * with pending commits. An Empty group left without offsets is removed.
 */
export function expireOffsets(coord: GroupCoordinator, now: number, retentionMs: number): void {
  for (const group of [...coord.groups.values()]) {
    const stored = coord.store.groupOffsets(group.groupId);
    const usesGroupProtocol = group.protocolType !== null;
    const stableConsumer = group.is('Stable') && group.protocolType === 'consumer' && group.subscribedTopics !== null;
    if (stored && (!usesGroupProtocol || group.is('Empty') || stableConsumer)) {
      const expired: { topic: string; partition: number }[] = [];
      for (const [topic, parts] of stored) {
        if (stableConsumer && group.isSubscribedToTopic(topic)) continue;
        for (const [partition, v] of parts) {
          if (coord.cluster.txns.hasPendingOffsets(group.groupId, topic, partition)) continue;
          const base = group.is('Empty') && usesGroupProtocol ? group.stateTimestamp : v.commitTimestamp;
          const gone = v.expireTimestamp !== null ? now >= v.expireTimestamp : now - base >= retentionMs;
          if (gone) expired.push({ topic, partition });
        }
      }
      if (expired.length > 0) {
        coord.log('info', `group ${group.groupId}: ${expired.length} committed offsets expired`);
        coord.store.deleteOffsets(group.groupId, expired).catch(() => undefined);
      }
    }
    if (group.is('Empty') && !coord.store.hasOffsets(group.groupId)) {
      coord.removeGroup(group);
      coord.store.deleteGroup(group.groupId).catch(() => undefined);
    }
  }
}
