// The cluster's one group coordinator object. Kafka spreads groups over brokers; here every
// group lives in this object, and `coordinatorNodeFor` decides which broker answers for it,
// so when that broker stops another one answers with the same state and offsets. This file
// holds the lifecycle and the rebalance engine (Kafka's GroupCoordinator core: prepare,
// complete join, propagate assignment, session expiry); join/sync, offsets and admin
// requests live in their own files and call into it.
import type { Cluster } from '../cluster/cluster.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { coordinatorNodeFor, placeKey, runningMask } from './coordinator-placement.js';
import { Group } from './group.js';
import type { Member } from './member.js';
import { joinError, syncError } from './group-results.js';
import { OffsetStore } from './offset-store.js';
import { expireOffsets } from './group-offsets.js';
import { COOPERATIVE_HOLD_MS, revokingMembers } from './cooperative-handoff.js';

/** A member's first join must finish within this long or it is dropped (KIP-394). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  readonly store: OffsetStore;
  private expiryTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Which brokers ran at the last cluster change, to notice groups moving. */
  private running: boolean[];
  private closed = false;

  constructor(readonly cluster: Cluster) {
    this.store = new OffsetStore(cluster.options.dataDir, (level, message) => cluster.log(level, message));
    const now = Date.now();
    const ids = new Set([...this.store.storedGroups.keys(), ...this.store.groupIds()]);
    for (const id of ids) {
      // Members are not persisted: after a restart they rejoin, as they would after Kafka's
      // coordinator failover once their sessions lapse.
      const info = this.store.storedGroups.get(id);
      const group = new Group(id, info?.stateTimestamp ?? now);
      group.generationId = info?.generationId ?? 0;
      group.protocolType = info?.protocolType ?? null;
      this.groups.set(id, group);
    }
    // Read once, like Kafka's (read-only) broker config: it sets the timer.
    const checkIntervalMs = Number(cluster.brokerConfig('offsets.retention.check.interval.ms'));
    this.expiryTimer = setInterval(() => this.expireOffsets(Date.now()), Math.min(checkIntervalMs, 2 ** 31 - 1));
    this.expiryTimer.unref();
    this.unsubscribe = cluster.onChange(() => this.onClusterChange());
    this.running = runningMask(cluster);
  }

  coordinatorFor(groupId: string): number {
    return coordinatorNodeFor(this.cluster, groupId);
  }

  isCoordinator(groupId: string, nodeId: number): boolean {
    return this.coordinatorFor(groupId) === nodeId;
  }

  getOrCreate(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Group(groupId, Date.now())));
    return group;
  }

  /** Marks a group Dead and forgets it (DeleteGroups, or an Empty group whose offsets all expired). */
  removeGroup(group: Group): void {
    group.clearTimers();
    group.transitionTo('Dead');
    this.groups.delete(group.groupId);
  }

  // ---- session and rebalance timers -------------------------------------------------------

  scheduleHeartbeat(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    member.clearHeartbeat();
    member.heartbeatTimer = setTimeout(() => this.onHeartbeatExpired(group, member), timeoutMs);
    member.heartbeatTimer.unref();
  }

  private onHeartbeatExpired(group: Group, member: Member): void {
    member.heartbeatTimer = null;
    if (group.is('Dead') || group.members.get(member.memberId) !== member) return;
    // An established member waiting in a rebalance is alive by definition; the rebalance's own timers bound the wait.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.log('info', `group ${group.groupId}: member ${member.memberId} session expired`);
    this.removeMemberAndUpdateGroup(group, member);
  }

  removeMemberAndUpdateGroup(group: Group, member: Member): void {
    member.invokeJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.invokeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  maybePrepareRebalance(group: Group): void {
    if (group.canRebalance) this.prepareRebalance(group);
  }

  prepareRebalance(group: Group): void {
    this.log('info', `group ${group.groupId}: rebalance from ${group.state}, generation ${group.generationId}`);
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.is('Stable')) this.answerHeldSyncs(group);
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    group.pendingSyncMembers.clear();
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance');
    if (group.joinTimer) clearTimeout(group.joinTimer);
    const initialDelay = Number(this.cluster.brokerConfig('group.initial.rebalance.delay.ms'));
    if (wasEmpty && initialDelay > 0) {
      group.inInitialDelay = true;
      this.startInitialDelay(group, initialDelay, Math.max(group.rebalanceTimeoutMs - initialDelay, 0));
      return;
    }
    // The join phase waits at most the largest rebalance timeout for members to rejoin.
    group.joinTimer = setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs);
    group.joinTimer.unref();
    this.tryCompleteJoin(group);
  }

  /** A first rebalance waits the initial delay, once more for each member arriving meanwhile, within the rebalance timeout. */
  private startInitialDelay(group: Group, delayMs: number, remainingMs: number): void {
    group.joinTimer = setTimeout(() => {
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const configured = Number(this.cluster.brokerConfig('group.initial.rebalance.delay.ms'));
        const delay = Math.min(configured, remainingMs);
        this.startInitialDelay(group, delay, Math.max(remainingMs - delay, 0));
        return;
      }
      group.inInitialDelay = false;
      this.completeJoin(group);
    }, delayMs);
    group.joinTimer.unref();
  }

  /** Ends the join phase as soon as every known member has re-joined. */
  tryCompleteJoin(group: Group): void {
    if (group.is('PreparingRebalance') && !group.inInitialDelay && group.hasAllMembersJoined) this.completeJoin(group);
  }

  completeJoin(group: Group): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.inInitialDelay = false;
    // Dynamic members that did not rejoin in time are gone; static ones keep their seat.
    for (const m of group.notYetRejoined()) if (!m.isStatic) group.remove(m.memberId);
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only absent static members remain: wait another rebalance timeout for one of them.
      group.joinTimer = setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs);
      group.joinTimer.unref();
      return;
    }
    const now = Date.now();
    group.initNextGeneration(now);
    this.log('info', `group ${group.groupId}: generation ${group.generationId} (${group.state}) with ${group.members.size} members, protocol ${group.protocolName}`);
    this.saveGroupInfo(group);
    if (group.is('Empty')) return;
    const leaderMembers = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(group.protocolName!),
    }));
    for (const member of group.members.values()) {
      member.invokeJoin({
        errorCode: ErrorCode.NONE,
        memberId: member.memberId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        skipAssignment: false,
        members: group.isLeader(member.memberId) ? leaderMembers : [],
      });
      this.scheduleHeartbeat(group, member);
      member.isNew = false;
    }
    this.schedulePendingSync(group);
  }

  /** Members that never send SyncGroup after the join are removed once the rebalance timeout passes. */
  private schedulePendingSync(group: Group): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      if (group.generationId !== generation || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
      for (const id of [...group.pendingSyncMembers]) {
        const member = group.members.get(id);
        if (member) {
          this.log('info', `group ${group.groupId}: member ${id} did not sync in time`);
          this.removeMemberAndUpdateGroup(group, member);
        }
      }
    }, group.rebalanceTimeoutMs);
    group.syncTimer.unref();
  }

  removePendingSyncMember(group: Group, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0 && group.syncTimer) {
      clearTimeout(group.syncTimer);
      group.syncTimer = null;
    }
  }

  setAndPropagateAssignment(group: Group, assignments: Map<string, Buffer>): void {
    for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
    group.transitionTo('Stable');
    const revoking = revokingMembers(group, assignments);
    const hold = revoking !== null && revoking.size > 0;
    for (const m of group.members.values()) {
      if (hold && !revoking.has(m.memberId)) continue;
      this.releaseSync(group, m);
    }
    if (!hold) return;
    // See cooperative-handoff.ts: the others wait briefly for the follow-up rebalance.
    group.holdRevoking = revoking;
    const generation = group.generationId;
    group.holdTimer = setTimeout(() => {
      group.holdTimer = null;
      group.holdRevoking = null;
      if (group.generationId !== generation || !group.is('Stable')) return;
      for (const m of group.members.values()) this.releaseSync(group, m);
    }, Math.min(COOPERATIVE_HOLD_MS, group.rebalanceTimeoutMs));
    group.holdTimer.unref();
  }

  /** A SyncGroup arriving after the leader's, during a cooperative hold, waits like the others. */
  holdsSync(group: Group, memberId: string): boolean {
    return group.holdTimer !== null && group.holdRevoking !== null && !group.holdRevoking.has(memberId);
  }

  private releaseSync(group: Group, m: Member): void {
    if (!m.isAwaitingSync) return;
    m.invokeSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
    this.scheduleHeartbeat(group, m);
  }

  /** The follow-up round of a cooperative rebalance began: held members re-join now. */
  private answerHeldSyncs(group: Group): void {
    if (group.holdTimer) clearTimeout(group.holdTimer);
    group.holdTimer = null;
    group.holdRevoking = null;
    for (const m of group.members.values()) {
      if (!m.isAwaitingSync) continue;
      m.invokeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      this.scheduleHeartbeat(group, m);
    }
  }

  resetAndPropagateAssignmentError(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0);
      if (m.isAwaitingSync) {
        m.invokeSync(syncError(errorCode));
        this.scheduleHeartbeat(group, m);
      }
    }
  }

  saveGroupInfo(group: Group): void {
    this.store
      .saveGroupInfo(group.groupId, { protocolType: group.protocolType, generationId: group.generationId, stateTimestamp: group.stateTimestamp })
      .catch((err: Error) => this.log('warn', `group ${group.groupId}: could not persist group info: ${err.message}`));
  }

  // ---- coordinator moves, expiry, shutdown --------------------------------------------------

  /**
   * When brokers stop or start, groups may move. Like Kafka's unload/load, waiting requests
   * at the old coordinator get NOT_COORDINATOR (their connections are gone anyway) and every
   * member gets a fresh session timeout to find the new coordinator.
   */
  private onClusterChange(): void {
    const running = runningMask(this.cluster);
    if (this.closed || running.every((r, i) => r === this.running[i])) return;
    const before = this.running;
    this.running = running;
    for (const group of this.groups.values()) {
      if (placeKey(group.groupId, before) === placeKey(group.groupId, running)) continue;
      for (const m of group.members.values()) {
        m.invokeJoin(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        m.invokeSync(syncError(ErrorCode.NOT_COORDINATOR));
        this.scheduleHeartbeat(group, m);
      }
    }
  }

  expireOffsets(now: number): void {
    const retentionMs = Number(this.cluster.brokerConfig('offsets.retention.minutes')) * 60_000;
    expireOffsets(this, now, retentionMs);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.cluster.log(level, message);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.unsubscribe?.();
    for (const group of this.groups.values()) {
      group.clearTimers();
      for (const m of group.members.values()) {
        m.invokeJoin(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.invokeSync(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
    }
    this.store.close();
  }
}
