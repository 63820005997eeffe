// InitProducerId (key 22), v0-5. Without a transactional id: a fresh producer id at epoch 0
// (idempotence). With one (must reach the transaction coordinator, else NOT_COORDINATOR): the
// id's producer id with its epoch bumped, which fences every older instance; an ongoing
// transaction is aborted first. v3+ (KIP-360) carry the caller's current id and epoch so a
// producer can bump its own epoch after an error; a stale pair is PRODUCER_FENCED (v0-3 see
// INVALID_PRODUCER_EPOCH, as Kafka maps it for clients that predate KIP-588).
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { failIfInjected, errorCodeOf } from './partition-access.js';
import type { Encodable, InitProducerIdRequest, InitProducerIdResponse } from '../protocol/generated/message-types.js';

export const initProducerIdApi = defineApi<InitProducerIdRequest, Encodable<InitProducerIdResponse>>({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({
      throttleTimeMs: 0,
      errorCode: errorCode === ErrorCode.PRODUCER_FENCED && ctx.version < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode,
      producerId,
      producerEpoch,
    });
    try {
      failIfInjected(ctx);
    } catch (err) {
      return answer(errorCodeOf(ctx, err).code);
    }
    const txnId = req.transactionalId;
    if (txnId !== null && txnId !== '' && !ctx.cluster.txns.isCoordinator(txnId, ctx.node.nodeId)) return answer(ErrorCode.NOT_COORDINATOR);
    const expectedPid = ctx.version >= 3 ? req.producerId : -1;
    const expectedEpoch = ctx.version >= 3 ? req.producerEpoch : -1;
    const result = await ctx.cluster.txns.initProducerId(txnId, req.transactionTimeoutMs, expectedPid, expectedEpoch);
    return answer(result.errorCode, result.producerId, result.producerEpoch);
  },
});
