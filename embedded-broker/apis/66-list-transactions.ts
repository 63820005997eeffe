// ListTransactions (key 66), v0-1. The transactional ids this broker coordinates, filtered by
// state names (unknown names are echoed in unknownStateFilters), producer ids and (v1) a
// minimum age in ms of the running transaction (durationFilter; -1 = no filter).
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { TXN_STATES, type TxnState } from '../txn/txn-metadata.js';
import type { Encodable, ListTransactionsRequest, ListTransactionsResponse } from '../protocol/generated/message-types.js';

export const listTransactionsApi = defineApi<ListTransactionsRequest, Encodable<ListTransactionsResponse>>({
  apiKey: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    if (ctx.injectedError !== undefined) return { throttleTimeMs: 0, errorCode: ctx.injectedError, unknownStateFilters: [], transactionStates: [] };
    const unknownStateFilters = req.stateFilters.filter((s) => !TXN_STATES.includes(s as TxnState));
    const states = new Set(req.stateFilters);
    const pids = new Set(req.producerIdFilters);
    const minAge = ctx.version >= 1 ? req.durationFilter : -1;
    const now = Date.now();
    const transactionStates = [];
    for (const meta of ctx.cluster.txns.txns.values()) {
      if (!ctx.cluster.txns.isCoordinator(meta.transactionalId, ctx.node.nodeId)) continue;
      if (states.size > 0 && !states.has(meta.state)) continue;
      if (pids.size > 0 && !pids.has(meta.producerId)) continue;
      if (minAge >= 0 && (meta.startTime < 0 || now - meta.startTime < minAge)) continue;
      transactionStates.push({ transactionalId: meta.transactionalId, producerId: meta.producerId, transactionState: meta.state });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  },
});
