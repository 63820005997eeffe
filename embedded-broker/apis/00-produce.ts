// Produce (key 0), v0-11. Record batch v2 only: a v0-2 request carrying message format
// 0/1 gets UNSUPPORTED_FOR_MESSAGE_FORMAT (the sandbox does not store or convert them). v0-2
// are still advertised because librdkafka (2.0.2 here) compresses gzip/snappy/lz4 only if the
// broker lists Produce v0 (it sends v7 regardless); without it every such batch went out
// uncompressed. Batches are CRC-checked, stored byte-for-byte as sent
// (compressed batches are not recompressed) and acknowledged only after they reached the
// log file. acks=0 gets no response at all. acks=-1 is refused up front when the ISR is
// smaller than min.insync.replicas, and otherwise answered once the high watermark covers
// the batch — with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below the minimum
// meanwhile, NOT_LEADER_OR_FOLLOWER if leadership moved, REQUEST_TIMED_OUT after the
// request's timeout.
import { defineApi, NO_RESPONSE, type RequestContext } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import { validateProducedBatches } from '../protocol/record-batch.js';
import { checkProducerBatches } from '../txn/produce-check.js';
import type { Partition } from '../cluster/partition.js';
import type { Encodable, ProduceRequest, ProduceResponse, ProduceResponsePartitionProduceResponse } from '../protocol/generated/message-types.js';

type PartitionResult = Encodable<ProduceResponsePartitionProduceResponse> & { index: number };

/** An acks=all append waiting for the in-sync replicas. */
interface PendingAck {
  partition: Partition;
  requiredOffset: number;
  leaderEpoch: number;
  result: PartitionResult;
}

function failed(index: number, code: number, message: string): PartitionResult {
  return { index, errorCode: code, errorMessage: message, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

function produceToPartition(ctx: RequestContext, topicName: string, index: number, records: Buffer | null, acks: number, pending: PendingAck[]): PartitionResult {
  const topic = findTopic(ctx, topicName);
  const partition = leaderPartition(ctx, topic, index);
  if (!records || records.length === 0) throw new KafkaError(ErrorCode.INVALID_RECORD, 'Produce request carried no record batch.');
  const maxBytes = Number(topic.config('max.message.bytes'));
  const validation = validateProducedBatches(records, maxBytes);
  if (!validation.ok) throw new KafkaError(ErrorCode[validation.error], validation.message);
  if (ctx.version < 3) throw new KafkaError(ErrorCode.INVALID_RECORD, `Produce v${ctx.version} may only carry message format v0/v1; record batches (v2) need Produce v3+.`);
  if (acks === -1) {
    const minIsr = Number(topic.config('min.insync.replicas'));
    if (partition.state.isr.length < minIsr) {
      throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS, `The in-sync replicas of ${partition.name} (${partition.state.isr.join(',')}) are fewer than min.insync.replicas=${minIsr}.`);
    }
  }
  // Idempotent and transactional producers (txn/produce-check.ts): epochs, sequences and
  // transaction membership are checked; a retry of one of the last 5 batches is answered
  // with its original offsets and not written again.
  const duplicate = checkProducerBatches(ctx.cluster, partition, validation.batches);
  const result = duplicate
    ? { baseOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset, logAppendTime: -1 }
    : partition.appendAsLeader(records, validation.batches, Date.now());
  const answer: PartitionResult = {
    index,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: partition.leaderLog().logStartOffset,
  };
  if (acks === -1) pending.push({ partition, requiredOffset: result.lastOffset + 1, leaderEpoch: partition.state.leaderEpoch, result: answer });
  return answer;
}

/** Kafka's check for a delayed produce: done once the high watermark reaches the batch. */
function settle(ctx: RequestContext, ack: PendingAck): boolean {
  const { partition, result } = ack;
  const state = partition.state;
  if (partition.deleted || state.leader !== ctx.node.nodeId || state.leaderEpoch !== ack.leaderEpoch) {
    Object.assign(result, { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: `Leadership of ${partition.name} moved before the write was replicated.` });
    return true;
  }
  if (partition.highWatermark < ack.requiredOffset) return false;
  const minIsr = Number(partition.topic.config('min.insync.replicas'));
  if (state.isr.length < minIsr) {
    Object.assign(result, { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, errorMessage: `Written to the leader, but the ISR of ${partition.name} shrank below min.insync.replicas=${minIsr}.` });
  }
  return true;
}

function awaitReplication(ctx: RequestContext, pending: PendingAck[], timeoutMs: number): Promise<void> {
  let open = pending.filter((ack) => !settle(ctx, ack));
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    const finish = () => {
      clearTimeout(timer);
      for (const u of unsubscribes) u();
      resolve();
    };
    const timer = setTimeout(() => {
      for (const ack of open) Object.assign(ack.result, { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `Not replicated to the ISR of ${ack.partition.name} within ${timeoutMs} ms.` });
      finish();
    }, Math.max(0, timeoutMs));
    const recheck = () => {
      open = open.filter((ack) => !settle(ctx, ack));
      if (open.length === 0) finish();
    };
    for (const partition of new Set(open.map((a) => a.partition))) unsubscribes.push(partition.onProgress(recheck));
  });
}

export const produceApi = defineApi<ProduceRequest, Encodable<ProduceResponse>>({
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  async handle(ctx, req) {
    const pending: PendingAck[] = [];
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${req.acks}`);
        try {
          return produceToPartition(ctx, t.name, p.index, p.records, req.acks, pending);
        } catch (err) {
          const { code, message } = errorCodeOf(ctx, err);
          return failed(p.index, code, message);
        }
      }),
    }));
    if (req.acks === 0) return NO_RESPONSE;
    if (pending.length > 0) await awaitReplication(ctx, pending, req.timeoutMs);
    return { responses, throttleTimeMs: 0 };
  },
});
