// FindCoordinator (key 10), v0-6. Any broker answers; the coordinator for a group (key type 0)
// or transactional id (key type 1) is chosen by group/coordinator-placement.ts among the
// running brokers. v4+ batches keys (coordinatorKeys) and answers one entry per key.
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { coordinatorNodeFor } from '../group/coordinator-placement.js';
import type { Encodable, FindCoordinatorRequest, FindCoordinatorResponse, FindCoordinatorResponseCoordinator } from '../protocol/generated/message-types.js';

const GROUP = 0;
const TRANSACTION = 1;

function locate(ctx: RequestContext, key: string, keyType: number): Encodable<FindCoordinatorResponseCoordinator> {
  if (keyType !== GROUP && keyType !== TRANSACTION) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator type ${keyType}` };
  }
  const nodeId = coordinatorNodeFor(ctx.cluster, key);
  if (nodeId < 0) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'No broker is running' };
  const node = ctx.cluster.node(nodeId);
  return { key, nodeId, host: node.host, port: node.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const findCoordinatorApi = defineApi<FindCoordinatorRequest, Encodable<FindCoordinatorResponse>>({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(ctx, req) {
    const keyType = ctx.version >= 1 ? req.keyType : GROUP;
    if (ctx.version >= 4) {
      return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => locate(ctx, key, keyType)) };
    }
    const c = locate(ctx, req.key, keyType);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port };
  },
});
