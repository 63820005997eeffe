// What the coordinator hands back to the JoinGroup/SyncGroup handlers; they map it to the
// wire shape of the version the client asked for.

export interface JoinResultMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  /** v9+: the static leader rejoined a Stable group and must not compute a new assignment. */
  skipAssignment: boolean;
  members: JoinResultMember[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/** Kafka error codes the group APIs return that the shared table does not list yet. */
export const GroupErrorCode = {
  NON_EMPTY_GROUP: 68,
} as const;
