// TxnOffsetCommit (key 28), v0-4. Sent to the *group's* coordinator (groupAccessError: else
// NOT_COORDINATOR). The offsets are held with the transaction (txn/txn-coordinator.ts) and
// reach the group's offset store — the same store OffsetCommit writes — only when the
// transaction commits; an abort drops them. The producer must have called AddOffsetsToTxn for
// the group (else INVALID_TXN_STATE); a fenced producer gets INVALID_PRODUCER_EPOCH. v3 adds
// the consumer's generation, member id and instance id (KIP-447), checked against the group
// first (group/group-offsets.ts txnCommitGroupError: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// FENCED_INSTANCE_ID), as Kafka's coordinator does before it stores anything.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { groupAccessError } from './group-access.js';
import type { TxnOffset } from '../txn/txn-metadata.js';
import { txnCommitGroupError } from '../group/group-offsets.js';
import type { Encodable, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/generated/message-types.js';

export const txnOffsetCommitApi = defineApi<TxnOffsetCommitRequest, Encodable<TxnOffsetCommitResponse>>({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const offsets: TxnOffset[] = [];
    const known: boolean[] = [];
    for (const t of req.topics) {
      const topic = ctx.cluster.topics.get(t.name);
      for (const p of t.partitions) {
        const exists = !!topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions.length;
        known.push(exists);
        if (exists) {
          offsets.push({ group: req.groupId, topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: ctx.version >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata });
        }
      }
    }
    let code = groupAccessError(ctx, req.groupId, false);
    if (code === ErrorCode.NONE && ctx.injectedError !== undefined) code = ctx.injectedError;
    if (code === ErrorCode.NONE && ctx.version >= 3) {
      code = txnCommitGroupError(ctx.cluster.groups, { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId });
    }
    if (code === ErrorCode.NONE && offsets.length > 0) code = ctx.cluster.txns.txnOffsetCommit(req.transactionalId, req.producerId, req.producerEpoch, offsets);
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: known[i++] ? code : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
      })),
    };
  },
});
