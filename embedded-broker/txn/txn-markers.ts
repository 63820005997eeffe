// Writes a transaction's commit or abort markers into each of its partitions and waits until
// every marker is below its partition's high watermark — what Kafka's WriteTxnMarkers with
// acks=all achieves. Markers go through the partition leader's append path, so they are
// replicated like data and every replica's producer state closes the transaction. A
// partition without a leader is retried until it has one; when leadership moves before the
// marker was replicated it is written again on the new leader (a second marker for a
// transaction that is already closed changes nothing).
import type { Cluster } from '../cluster/cluster.js';
import type { Partition } from '../cluster/partition.js';
import { readBatchHeader } from '../protocol/record-batch.js';
import { buildRecordBatch } from '../protocol/record-batch-builder.js';
import type { TxnPartition } from './txn-metadata.js';

const RETRY_MS = 50;

export function buildMarkerBatch(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, now: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return buildRecordBatch({ records: [{ key, value, timestamp: now }], producerId, producerEpoch, baseSequence: -1, isTransactional: true, isControl: true, timestamp: now });
}

interface MarkerTask {
  target: TxnPartition;
  /** Leader epoch the marker was written under; -1 before it was written. */
  writtenEpoch: number;
  requiredOffset: number;
}

export interface MarkerJob {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  partitions: TxnPartition[];
}

export function writeMarkers(cluster: Cluster, job: MarkerJob, isClosed: () => boolean): Promise<void> {
  const tasks: MarkerTask[] = job.partitions.map((target) => ({ target, writtenEpoch: -1, requiredOffset: -1 }));
  return new Promise((resolve) => {
    const unsubscribes = new Map<Partition, () => void>();
    let timer: NodeJS.Timeout | null = null;
    let settled = false;
    const finish = () => {
      settled = true;
      if (timer) clearInterval(timer);
      for (const u of unsubscribes.values()) u();
      resolve();
    };
    const step = () => {
      if (settled) return;
      if (isClosed()) return finish();
      for (let i = tasks.length - 1; i >= 0; i--) {
        if (advance(cluster, job, tasks[i]!, unsubscribes, step)) tasks.splice(i, 1);
      }
      if (tasks.length === 0) finish();
    };
    step();
    if (!settled) {
      timer = setInterval(step, RETRY_MS);
      timer.unref();
    }
  });
}

/** One attempt for one partition; true once its marker is replicated (or the partition is gone). */
function advance(cluster: Cluster, job: MarkerJob, task: MarkerTask, subs: Map<Partition, () => void>, wake: () => void): boolean {
  const partition = cluster.partition(task.target.topic, task.target.partition);
  if (!partition || partition.deleted) return true;
  const state = partition.state;
  if (state.leader < 0 || !cluster.node(state.leader).isRunning) return false;
  if (!subs.has(partition)) subs.set(partition, partition.onProgress(() => queueMicrotask(wake)));
  try {
    if (task.writtenEpoch !== state.leaderEpoch) {
      const now = Date.now();
      const batch = buildMarkerBatch(job.producerId, job.producerEpoch, job.commit, job.coordinatorEpoch, now);
      const result = partition.appendAsLeader(batch, [readBatchHeader(batch, 0)], now);
      task.writtenEpoch = state.leaderEpoch;
      task.requiredOffset = result.lastOffset + 1;
    }
    return partition.highWatermark >= task.requiredOffset;
  } catch (err) {
    cluster.log('warn', `transaction marker for ${partition.name} not written yet: ${(err as Error).message}`);
    return false;
  }
}
