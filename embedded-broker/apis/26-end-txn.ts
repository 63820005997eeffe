// EndTxn (key 26), v0-4. Commits or aborts the producer's transaction: the coordinator
// journals Prepare{Commit,Abort}, writes markers into every partition of the transaction and
// answers (the sandbox answers once the markers are replicated, so the client's next
// transaction does not meet CONCURRENT_TRANSACTIONS). A fenced producer gets PRODUCER_FENCED
// (INVALID_PRODUCER_EPOCH below v2); a transaction in the wrong state INVALID_TXN_STATE.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { failIfInjected, errorCodeOf } from './partition-access.js';
import type { EndTxnRequest, EndTxnResponse, Encodable } from '../protocol/generated/message-types.js';

export const endTxnApi = defineApi<EndTxnRequest, Encodable<EndTxnResponse>>({
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, req) {
    let code: number;
    try {
      failIfInjected(ctx);
      if (!ctx.cluster.txns.isCoordinator(req.transactionalId, ctx.node.nodeId)) code = ErrorCode.NOT_COORDINATOR;
      else code = await ctx.cluster.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    } catch (err) {
      code = errorCodeOf(ctx, err).code;
    }
    if (ctx.version < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode: code };
  },
});
