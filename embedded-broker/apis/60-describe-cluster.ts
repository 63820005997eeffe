// DescribeCluster (key 60), v0-1: running brokers, controller and cluster id.
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { ALL_CLUSTER_OPERATIONS } from './03-metadata.js';
import type { DescribeClusterRequest, DescribeClusterResponse, Encodable } from '../protocol/generated/message-types.js';

const BROKERS_ENDPOINT = 1;

export const describeClusterApi = defineApi<DescribeClusterRequest, Encodable<DescribeClusterResponse>>({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    if (ctx.version >= 1 && req.endpointType !== BROKERS_ENDPOINT) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Only broker endpoints (1) are served, not ${req.endpointType}.`, endpointType: req.endpointType, clusterId: ctx.cluster.clusterId, controllerId: -1, brokers: [] };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKERS_ENDPOINT,
      clusterId: ctx.cluster.clusterId,
      controllerId: ctx.cluster.controllerId(),
      brokers: ctx.cluster.runningNodes().map((n) => ({ brokerId: n.nodeId, host: n.host, port: n.port, rack: null })),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : -2147483648,
    };
  },
});
