// What a PartitionLog tells an observer about changes to its content. txn/ keeps each
// replica's producer state (sequences, open transactions, aborted index) in step with the
// log through this, on the leader and on followers alike, so the log itself stays ignorant
// of producers and transactions.
import type { BatchHeader } from '../protocol/record-batch.js';

export interface LogListener {
  /** Batches just written (offsets stamped); `records` holds them back to back from position 0. */
  appended(records: Buffer, batches: readonly BatchHeader[]): void;
  /** The log lost its tail (truncateTo) or everything (truncateFullyAndStartAt). */
  truncated(): void;
  /** The active segment was sealed: a good moment for a snapshot whose data is fsync'd. */
  rolled(): void;
  /** The log is closing cleanly (after a flush). */
  closing(): void;
}
