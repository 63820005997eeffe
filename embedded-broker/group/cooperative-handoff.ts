// Cooperative (incremental) rebalancing needs a second round: members first give up the
// partitions that move, then re-join so they can be handed out. The members that gave
// something up re-join at once, but the others would only learn of the second round from
// their next heartbeat (librdkafka's reference setting: every 3 s). So when the leader's
// assignment makes somebody revoke, the coordinator holds the SyncGroup answers of the other
// members for a moment: if the follow-up rebalance starts meanwhile they get
// REBALANCE_IN_PROGRESS (exactly what Kafka answers when a rebalance begins before the sync
// completes) and re-join right away; otherwise they get their assignment when the hold ends.
// Eager protocols, and subscriptions without owned partitions, are never held.
import { Reader } from '../protocol/primitives.js';
import { decodeData } from '../protocol/codec.js';
import type { Group } from './group.js';

/** How long non-revoking members wait for the revoking ones to re-join. */
export const COOPERATIVE_HOLD_MS = 2000;

const COOPERATIVE_PROTOCOLS = new Set(['cooperative-sticky']);

interface TopicPartitions {
  topic: string;
  partitions: number[];
}

function readVersioned<T>(name: string, bytes: Buffer, minVersion: number): T | null {
  if (bytes.length < 2) return null;
  const reader = new Reader(bytes);
  const version = reader.readInt16();
  if (version < minVersion) return null;
  return decodeData<T>(name, version, reader);
}

/**
 * Ids of the members the leader's assignment makes revoke partitions they own, or null when
 * that cannot be known (not a cooperative consumer protocol, or unreadable metadata).
 */
export function revokingMembers(group: Group, assignments: ReadonlyMap<string, Buffer>): Set<string> | null {
  if (group.protocolType !== 'consumer' || group.protocolName === null || !COOPERATIVE_PROTOCOLS.has(group.protocolName)) return null;
  const revoking = new Set<string>();
  try {
    for (const m of group.members.values()) {
      const sub = readVersioned<{ ownedPartitions: TopicPartitions[] }>('ConsumerProtocolSubscription', m.metadataFor(group.protocolName), 1);
      if (sub === null) return null;
      const bytes = assignments.get(m.memberId);
      const assigned = bytes && bytes.length > 0 ? readVersioned<{ assignedPartitions: TopicPartitions[] }>('ConsumerProtocolAssignment', bytes, 0) : null;
      const keep = new Set<string>();
      for (const tp of assigned?.assignedPartitions ?? []) for (const p of tp.partitions) keep.add(`${tp.topic}\u0000${p}`);
      const givesUp = sub.ownedPartitions.some((tp) => tp.partitions.some((p) => !keep.has(`${tp.topic}\u0000${p}`)));
      if (givesUp) revoking.add(m.memberId);
    }
  } catch {
    return null;
  }
  return revoking;
}
