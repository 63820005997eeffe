// AddOffsetsToTxn (key 25), v0-4. Sent to the transaction coordinator before TxnOffsetCommit:
// the group's offsets become part of the transaction (Kafka adds the group's __consumer_offsets
// partition; the sandbox records the group id). PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH
// below v2.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { failIfInjected, errorCodeOf } from './partition-access.js';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, Encodable } from '../protocol/generated/message-types.js';

export const addOffsetsToTxnApi = defineApi<AddOffsetsToTxnRequest, Encodable<AddOffsetsToTxnResponse>>({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, req) {
    let code: number;
    try {
      failIfInjected(ctx);
      if (!ctx.cluster.txns.isCoordinator(req.transactionalId, ctx.node.nodeId)) code = ErrorCode.NOT_COORDINATOR;
      else if (!req.groupId) code = ErrorCode.INVALID_GROUP_ID;
      else code = await ctx.cluster.txns.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId);
    } catch (err) {
      code = errorCodeOf(ctx, err).code;
    }
    if (ctx.version < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode: code };
  },
});
