// The one table of supported APIs: dispatch, version checks and ApiVersions all read it.
import type { ApiHandler } from './api-handler.js';
import { produceApi } from './00-produce.js';
import { fetchApi } from './01-fetch.js';
import { listOffsetsApi } from './02-list-offsets.js';
import { metadataApi } from './03-metadata.js';
import { offsetCommitApi } from './08-offset-commit.js';
import { offsetFetchApi } from './09-offset-fetch.js';
import { findCoordinatorApi } from './10-find-coordinator.js';
import { joinGroupApi } from './11-join-group.js';
import { heartbeatApi } from './12-heartbeat.js';
import { leaveGroupApi } from './13-leave-group.js';
import { syncGroupApi } from './14-sync-group.js';
import { describeGroupsApi } from './15-describe-groups.js';
import { listGroupsApi } from './16-list-groups.js';
import { deleteGroupsApi } from './42-delete-groups.js';
import { offsetDeleteApi } from './47-offset-delete.js';
import { saslHandshakeApi } from './17-sasl-handshake.js';
import { apiVersionsApi } from './18-api-versions.js';
import { offsetForLeaderEpochApi } from './23-offset-for-leader-epoch.js';
import { createTopicsApi } from './19-create-topics.js';
import { deleteTopicsApi } from './20-delete-topics.js';
import { deleteRecordsApi } from './21-delete-records.js';
import { describeConfigsApi } from './32-describe-configs.js';
import { describeLogDirsApi } from './35-describe-log-dirs.js';
import { electLeadersApi } from './43-elect-leaders.js';
import { alterPartitionReassignmentsApi } from './45-alter-partition-reassignments.js';
import { listPartitionReassignmentsApi } from './46-list-partition-reassignments.js';
import { alterConfigsApi } from './33-alter-configs.js';
import { createPartitionsApi } from './37-create-partitions.js';
import { incrementalAlterConfigsApi } from './44-incremental-alter-configs.js';
import { describeClusterApi } from './60-describe-cluster.js';
import { initProducerIdApi } from './22-init-producer-id.js';
import { addPartitionsToTxnApi } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxnApi } from './25-add-offsets-to-txn.js';
import { endTxnApi } from './26-end-txn.js';
import { txnOffsetCommitApi } from './28-txn-offset-commit.js';
import { describeProducersApi } from './61-describe-producers.js';
import { describeTransactionsApi } from './65-describe-transactions.js';
import { listTransactionsApi } from './66-list-transactions.js';
import { saslAuthenticateApi } from './36-sasl-authenticate.js';

const handlers: ApiHandler[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  // consumer groups (group/)
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  deleteGroupsApi,
  offsetDeleteApi,
  apiVersionsApi,
  offsetForLeaderEpochApi,
  createTopicsApi,
  deleteTopicsApi,
  deleteRecordsApi,
  describeConfigsApi,
  describeLogDirsApi,
  electLeadersApi,
  alterPartitionReassignmentsApi,
  listPartitionReassignmentsApi,
  alterConfigsApi,
  createPartitionsApi,
  incrementalAlterConfigsApi,
  describeClusterApi,
  // idempotence and transactions (txn/)
  initProducerIdApi,
  addPartitionsToTxnApi,
  addOffsetsToTxnApi,
  endTxnApi,
  txnOffsetCommitApi,
  describeProducersApi,
  describeTransactionsApi,
  listTransactionsApi,
  // listener security (security/)
  saslHandshakeApi,
  saslAuthenticateApi,
];

const byKey = new Map<number, ApiHandler>();
for (const h of handlers) {
  if (byKey.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
  byKey.set(h.apiKey, h);
}

export function handlerFor(apiKey: number): ApiHandler | undefined {
  return byKey.get(apiKey);
}

export function supportedApis(): readonly ApiHandler[] {
  return [...byKey.values()].sort((a, b) => a.apiKey - b.apiKey);
}
