// Raw-wire helpers for the consumer-group protocol tests: find the coordinator, open member
// connections to it, and build consumer-protocol subscription bytes.
import { RawClient } from '../helpers/raw-client.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';
import { encodeData } from '../../embedded-broker/protocol/codec.js';

export const API = { OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DescribeGroups: 15, ListGroups: 16, DeleteGroups: 42, OffsetDelete: 47 } as const;

export const E = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  OFFSET_METADATA_TOO_LARGE: 12,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_REQUEST: 42,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
} as const;

/** Consumer protocol subscription bytes (int16 version 0, then the v0 body). */
export function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  encodeData('ConsumerProtocolSubscription', 0, { topics, userData: null }, w);
  return Buffer.concat(w.toBuffers());
}

export class GroupKit {
  private readonly clients: RawClient[] = [];

  constructor(private readonly bootstrap: string[]) {}

  async client(address: string): Promise<RawClient> {
    const c = await RawClient.connectTo(address);
    this.clients.push(c);
    return c;
  }

  async coordinatorOf(groupId: string): Promise<{ nodeId: number; address: string }> {
    const c = await this.client(this.bootstrap[0]!);
    const res = await c.request(API.FindCoordinator, 3, { key: groupId, keyType: 0 });
    if (res.errorCode !== 0) throw new Error(`FindCoordinator: ${res.errorCode}`);
    return { nodeId: res.nodeId, address: `${res.host}:${res.port}` };
  }

  /** A fresh connection to the group's coordinator (one per member: JoinGroup blocks its connection). */
  async member(groupId: string): Promise<RawClient> {
    return this.client((await this.coordinatorOf(groupId)).address);
  }

  /** A connection to some broker that does not coordinate the group. */
  async nonCoordinator(groupId: string): Promise<RawClient> {
    const { address } = await this.coordinatorOf(groupId);
    return this.client(this.bootstrap.find((b) => b !== address)!);
  }

  closeAll(): void {
    for (const c of this.clients) c.close();
    this.clients.length = 0;
  }
}

export interface JoinOptions {
  memberId?: string;
  groupInstanceId?: string | null;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  protocols?: { name: string; metadata: Buffer }[];
  version?: number;
}

export function joinBody(groupId: string, o: JoinOptions = {}) {
  return {
    groupId,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 6000,
    rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 3000,
    memberId: o.memberId ?? '',
    groupInstanceId: o.groupInstanceId ?? null,
    protocolType: 'consumer',
    protocols: o.protocols ?? [{ name: 'range', metadata: subscription(['t']) }],
    reason: null,
  };
}

/** The v4+ two-step join: MEMBER_ID_REQUIRED, then the real join with the given id. */
export async function joinTwoStep(c: RawClient, groupId: string, o: JoinOptions = {}): Promise<any> {
  const v = o.version ?? 5;
  const first = await c.request(API.JoinGroup, v, joinBody(groupId, o));
  if (first.errorCode !== E.MEMBER_ID_REQUIRED) return first;
  return c.request(API.JoinGroup, v, joinBody(groupId, { ...o, memberId: first.memberId }));
}
