// One member of a classic consumer group, as the coordinator knows it between requests.
import type { JoinResult, SyncResult } from './group-results.js';

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export class Member {
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup request of this member waits for the join phase to end. */
  joinCallback: ((result: JoinResult) => void) | null = null;
  /** Set while a SyncGroup request of this member waits for the leader's assignment. */
  syncCallback: ((result: SyncResult) => void) | null = null;
  /**
   * True from the first join until that join completes: a new member that never finishes
   * joining must expire (Kafka's KIP-394), while an established member waiting in a
   * rebalance counts as alive.
   */
  isNew = true;
  heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: MemberProtocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.joinCallback !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncCallback !== null;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  supports(protocol: string): boolean {
    return this.protocols.some((p) => p.name === protocol);
  }

  metadataFor(protocol: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocol);
    if (!p) throw new Error(`member ${this.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** Same protocols in the same order with the same bytes: a rejoin that changes nothing. */
  matches(protocols: MemberProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's most preferred protocol among those every member supports. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(',')}`);
    return choice.name;
  }

  invokeJoin(result: JoinResult): void {
    const cb = this.joinCallback;
    this.joinCallback = null;
    cb?.(result);
  }

  invokeSync(result: SyncResult): void {
    const cb = this.syncCallback;
    this.syncCallback = null;
    cb?.(result);
  }

  clearHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
