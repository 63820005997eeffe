// What the leader checks about a produce request's producer before appending it (called by
// apis/00-produce.ts right before Partition.appendAsLeader, in the same synchronous step):
// epochs and sequences against the partition's producer state, duplicates of the last five
// batches (answered with their original offsets instead of being written again), and — for
// transactional batches — that the coordinator has the partition in the producer's ongoing
// transaction (Kafka 3.6+ verification, KIP-890: INVALID_TXN_STATE "Partition was not added
// to the transaction"). The coordinator lives in this process, so the check is a lookup.
import type { Cluster } from '../cluster/cluster.js';
import type { Partition } from '../cluster/partition.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import { producerStateOf } from './log-producer-state.js';
import { nextSequence } from './producer-state.js';
import { hasPartition } from './txn-metadata.js';

export interface DuplicateBatch {
  firstOffset: number;
  lastOffset: number;
}

/** Throws Kafka's error, answers a duplicate, or returns null when the batches may be appended. */
export function checkProducerBatches(cluster: Cluster, partition: Partition, batches: readonly BatchHeader[]): DuplicateBatch | null {
  const table = producerStateOf(partition.leaderLog());
  let lastSeq: number | null = null;
  let lastPid = -1;
  for (const h of batches) {
    if (h.producerId < 0) {
      if (h.isTransactional) throw new KafkaError(ErrorCode.INVALID_RECORD, 'A transactional batch must carry a producer id.');
      continue;
    }
    if (h.isTransactional) verifyTransaction(cluster, partition, h, table.openTxnOf(h.producerId) >= 0);
    const result = table.check(h, h.producerId === lastPid ? lastSeq : null);
    if (result.kind === 'duplicate') {
      // Kafka answers a retried batch with its first offset and writes nothing.
      if (batches.length === 1) return { firstOffset: result.firstOffset, lastOffset: result.lastOffset };
      throw new KafkaError(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, `Batch of producer ${h.producerId} at sequence ${h.baseSequence} was already written.`);
    }
    if (result.kind === 'error') throw new KafkaError(ErrorCode[result.error], result.message);
    lastPid = h.producerId;
    lastSeq = h.baseSequence >= 0 ? nextSequence(h.baseSequence, h.lastOffsetDelta) : null;
  }
  return null;
}

function verifyTransaction(cluster: Cluster, partition: Partition, h: BatchHeader, alreadyOpenHere: boolean): void {
  const meta = cluster.txns.byProducerId(h.producerId);
  if (meta && h.producerEpoch < meta.producerEpoch) {
    throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `Producer ${h.producerId} epoch ${h.producerEpoch} is fenced by epoch ${meta.producerEpoch}.`);
  }
  // A partition that already holds this producer's open transaction was verified by its first batch.
  if (alreadyOpenHere) return;
  if (!meta || meta.state !== 'Ongoing' || meta.producerEpoch !== h.producerEpoch || !hasPartition(meta, partition.topic.name, partition.index)) {
    throw new KafkaError(ErrorCode.INVALID_TXN_STATE, 'Partition was not added to the transaction');
  }
}
