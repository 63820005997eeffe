// A classic group's membership and generation. Pure state plus the small rules Kafka's
// GroupMetadata owns (protocol agreement and selection, leader choice, state transitions);
// timers and request handling live in the coordinator.
import { Reader } from '../protocol/primitives.js';
import { decodeData } from '../protocol/codec.js';
import type { Member, MemberProtocol } from './member.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Kafka's allowed transitions: anything else is a coordinator bug, so it throws. */
const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export class Group {
  state: GroupState = 'Empty';
  /** When the group entered its current state; offsets of an Empty group expire relative to it. */
  stateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined; value: expiry timer. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** group.instance.id → current member id of that static member. */
  readonly staticMembers = new Map<string, string>();
  /** Members that got the join result of this generation but have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins during an initial-delay join, which extends the delay once more. */
  newMemberAdded = false;
  /** While set, the join phase waits out group.initial.rebalance.delay.ms even if everyone has joined. */
  inInitialDelay = false;
  joinTimer: NodeJS.Timeout | null = null;
  syncTimer: NodeJS.Timeout | null = null;
  /** Cooperative hand-off: SyncGroup answers held for the follow-up round (cooperative-handoff.ts). */
  holdTimer: NodeJS.Timeout | null = null;
  /** During a hold: the members that must revoke (they are answered at once). */
  holdRevoking: Set<string> | null = null;
  /** Topics the members subscribe to (consumer protocol only); null when unknown. */
  subscribedTopics: Set<string> | null = null;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, now = Date.now()): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    }
    this.state = state;
    this.stateTimestamp = now;
  }

  get canRebalance(): boolean {
    return this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty';
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    member.clearHeartbeat();
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** A static member's join with a known instance id but another member id is a zombie: fence it. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  get awaitingJoinCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  /** The join phase may end: every known member re-joined and no two-step join is half done. */
  get hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  notYetRejoined(): Member[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** A new member may join only if it speaks the group's protocol type and shares a protocol with everyone. */
  supportsProtocols(protocolType: string, protocols: MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const all = this.candidateProtocols();
    return protocols.some((p) => all.has(p.name));
  }

  /** Protocols every current member supports, in no particular order. */
  candidateProtocols(except?: Member): Set<string> {
    const members = [...this.members.values()].filter((m) => m !== except);
    const first = members[0];
    if (!first) return new Set();
    return new Set(first.protocols.map((p) => p.name).filter((name) => members.every((m) => m.supports(name))));
  }

  /**
   * Kafka's vote: each member names its most preferred common protocol, most votes wins.
   * Ties go to the leader's preference order so the choice is deterministic.
   */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    if (candidates.size === 0) throw new Error(`group ${this.groupId}: no protocol supported by all members`);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    const leader = (this.leaderId !== null && this.members.get(this.leaderId)) || this.members.values().next().value!;
    let best: string | null = null;
    for (const p of leader.protocols) {
      if (!candidates.has(p.name)) continue;
      if (best === null || (votes.get(p.name) ?? 0) > (votes.get(best) ?? 0)) best = p.name;
    }
    return best!;
  }

  /** If the leader did not re-join, any member that did takes over; false when nobody re-joined. */
  maybeElectNewJoinedLeader(): boolean {
    const leader = this.leaderId !== null ? this.members.get(this.leaderId) : undefined;
    if (leader?.isAwaitingJoin) return true;
    const joined = [...this.members.values()].find((m) => m.isAwaitingJoin);
    if (!joined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /** Opens the next generation after a join phase: CompletingRebalance, or Empty when nobody is left. */
  initNextGeneration(now: number): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = null;
      this.transitionTo('Empty', now);
    }
    this.pendingSyncMembers.clear();
    for (const id of this.members.keys()) this.pendingSyncMembers.add(id);
  }

  /** Decodes consumer-protocol subscriptions; null (unknown) if any member's metadata is unreadable. */
  private computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      try {
        const reader = new Reader(m.metadataFor(this.protocolName));
        reader.readInt16(); // the subscription's version prefix
        // Versions above ours only append fields (and kafkajs writes v0 under a v1 label), so read as v0.
        const sub = decodeData<{ topics: string[] }>('ConsumerProtocolSubscription', 0, reader);
        for (const t of sub.topics) topics.add(t);
      } catch {
        return null;
      }
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  clearTimers(): void {
    if (this.joinTimer) clearTimeout(this.joinTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.joinTimer = this.syncTimer = this.holdTimer = null;
    this.holdRevoking = null;
    for (const t of this.pendingMembers.values()) clearTimeout(t);
    for (const m of this.members.values()) m.clearHeartbeat();
  }
}
