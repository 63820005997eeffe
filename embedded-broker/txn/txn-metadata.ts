// What the transaction coordinator records about one transactional id (Kafka's
// TransactionMetadata), in a JSON-friendly shape for the journal.

/** Kafka's state names, as DescribeTransactions and ListTransactions report them. */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'PrepareEpochFence' | 'Dead';

export const TXN_STATES: readonly TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead'];

export interface TxnPartition {
  topic: string;
  partition: number;
}

/** An offset committed inside the transaction (TxnOffsetCommit), applied to the group on commit. */
export interface TxnOffset {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The id before an epoch-exhaustion rollover, for a retried InitProducerId (-1 when none). */
  lastProducerId: number;
  producerEpoch: number;
  /** The epoch before the last client-requested bump, so a retry of it is recognised; -1 after a fence. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  partitions: TxnPartition[];
  groups: string[];
  offsets: TxnOffset[];
  /** When the current transaction began (first partition or group added); -1 when none is open. */
  startTime: number;
  lastUpdate: number;
}

export function isPrepare(state: TxnState): boolean {
  return state === 'PrepareCommit' || state === 'PrepareAbort' || state === 'PrepareEpochFence';
}

export function hasPartition(meta: TxnMetadata, topic: string, partition: number): boolean {
  return meta.partitions.some((p) => p.topic === topic && p.partition === partition);
}
