// Raw-wire helpers for the transaction tests: one request per call, bodies spelled out, so a
// test states exactly which version and fields it sends.
import { RawClient } from '../helpers/raw-client.js';
import { readBatchHeader, LOG_OVERHEAD } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

export async function rawTo(address: string): Promise<RawClient> {
  return RawClient.connectTo(address);
}

export interface BatchSpec {
  producerId: number;
  epoch: number;
  seq: number;
  count?: number;
  transactional?: boolean;
  prefix?: string;
}

export function batch(spec: BatchSpec): Buffer {
  const n = spec.count ?? 1;
  return buildRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`${spec.prefix ?? 'v'}${spec.seq + i}`) })),
    producerId: spec.producerId,
    producerEpoch: spec.epoch,
    baseSequence: spec.seq,
    isTransactional: spec.transactional ?? false,
  });
}

export async function initPid(c: RawClient, txnId: string | null, opts: { version?: number; timeoutMs?: number; producerId?: number; epoch?: number } = {}) {
  return c.request(22, opts.version ?? 4, { transactionalId: txnId, transactionTimeoutMs: opts.timeoutMs ?? 60_000, producerId: opts.producerId ?? -1, producerEpoch: opts.epoch ?? -1 });
}

export async function produce(c: RawClient, topic: string, partition: number, records: Buffer, txnId: string | null = null): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await c.request(0, 9, { transactionalId: txnId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

export async function addPartitions(c: RawClient, txnId: string, pid: number, epoch: number, topic: string, partitions: number[], version = 3): Promise<number[]> {
  const res = await c.request(24, version, { v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: topic, partitions }] });
  return res.resultsByTopicV3AndBelow[0].resultsByPartition.map((r: any) => r.partitionErrorCode);
}

export async function endTxn(c: RawClient, txnId: string, pid: number, epoch: number, committed: boolean, version = 3): Promise<number> {
  const res = await c.request(26, version, { transactionalId: txnId, producerId: pid, producerEpoch: epoch, committed });
  return res.errorCode;
}

export async function latestOffset(c: RawClient, topic: string, partition: number, isolationLevel: 0 | 1): Promise<number> {
  const res = await c.request(2, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  return Number(res.topics[0].partitions[0].offset);
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  values: string[];
  controlBatches: number;
}

/** One Fetch v12 from `offset`, records decoded (uncompressed test batches only). */
export async function fetchOnce(c: RawClient, topic: string, partition: number, offset: number, isolationLevel: 0 | 1): Promise<FetchedPartition> {
  const res = await c.request(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 22, isolationLevel, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 22 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0].partitions[0];
  const values: string[] = [];
  let controlBatches = 0;
  const buf: Buffer = p.records ?? Buffer.alloc(0);
  let pos = 0;
  const { decodeBatchRecords } = await import('../../embedded-broker/protocol/record-batch.js');
  while (pos + LOG_OVERHEAD <= buf.length) {
    const h = readBatchHeader(buf, pos);
    if (pos + h.size > buf.length) break;
    if (h.isControl) controlBatches++;
    else for (const r of await decodeBatchRecords(buf.subarray(pos, pos + h.size))) values.push(r.value!.toString());
    pos += h.size;
  }
  return {
    errorCode: p.errorCode,
    highWatermark: Number(p.highWatermark),
    lastStableOffset: Number(p.lastStableOffset),
    abortedTransactions: p.abortedTransactions?.map((a: any) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })) ?? null,
    values,
    controlBatches,
  };
}
